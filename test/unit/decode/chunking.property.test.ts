// Property tests: for random inputs, every decoder's output is the same for every way of
// splitting the bytes into chunks (one chunk, random cuts with empty chunks, one byte
// per chunk), and equals a plain reference model applied to the whole input.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lines, ndjson, sse } from "../../../src/decode/index.js";
import {
  chunksOf,
  collect,
  oneByteChunks,
  referenceLines,
  referenceSse,
  splitAt,
  trackedStream,
  utf8,
} from "./support.js";

const RUNS = { numRuns: 1000 };

/** Random cut positions (mapped onto the input's length by splitAt). */
const cuts = fc.array(fc.nat({ max: 10_000 }), { maxLength: 24 });

const terminator = fc.constantFrom("\n", "\r", "\r\n");

/** Random Unicode (any code point, lone surrogates included) mixed with \r, \n, \r\n and BOMs. */
const unicodeWithBreaks = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 8 }) },
      { weight: 2, arbitrary: terminator },
      { weight: 1, arbitrary: fc.constantFrom("\uFEFF", "é", "€", "🙂", "東", "\r\r", "\n\r", " ") },
    ),
    { maxLength: 30 },
  )
  .map((parts) => utf8(parts.join("")));

/** Random bytes, biased towards line breaks and the pieces of multi-byte (and broken) UTF-8. */
const rawBytes = fc.uint8Array({ maxLength: 64 }).chain((noise) =>
  fc
    .array(
      fc.oneof(
        fc.constantFrom(0x0a, 0x0d, 0x41, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x99, 0x82),
        fc.constantFrom(0xef, 0xbb, 0xbf, 0x80, 0xbf, 0xc0, 0xc1, 0xf5, 0xff, 0xed, 0xa0, 0xe0, 0xf4, 0x90),
        fc.integer({ min: 0, max: 255 }),
      ),
      { maxLength: 64 },
    )
    .map((picked) => Uint8Array.from([...picked, ...noise.slice(0, 8)])),
);

/** Decodes `bytes` with every chunking and checks that all agree with `expected`. */
async function sameForEveryChunking<T>(
  decode: (source: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>) => AsyncIterable<T>,
  bytes: Uint8Array,
  cutPoints: number[],
  expected: T[],
): Promise<void> {
  expect(await collect(decode(trackedStream([bytes]).stream)), "one chunk").toEqual(expected);
  expect(await collect(decode(trackedStream(splitAt(bytes, cutPoints)).stream)), "random cuts").toEqual(expected);
  expect(await collect(decode(chunksOf(oneByteChunks(bytes)))), "one byte per chunk").toEqual(expected);
}

describe("chunk-boundary independence (fast-check)", () => {
  it("lines(): random Unicode with mixed \\r, \\n, \\r\\n", async () => {
    await fc.assert(
      fc.asyncProperty(unicodeWithBreaks, cuts, async (bytes, cutPoints) => {
        await sameForEveryChunking(lines, bytes, cutPoints, referenceLines(bytes));
      }),
      RUNS,
    );
  });

  it("lines(): random bytes, including invalid and truncated UTF-8", async () => {
    await fc.assert(
      fc.asyncProperty(rawBytes, cuts, async (bytes, cutPoints) => {
        await sameForEveryChunking(lines, bytes, cutPoints, referenceLines(bytes));
      }),
      RUNS,
    );
  });

  it("ndjson(): random JSON values, blank lines and mixed line ends", async () => {
    const record = fc.tuple(fc.jsonValue({ maxDepth: 3 }), terminator, fc.constantFrom("", "\n", "  \r\n", "\t\r"));
    await fc.assert(
      fc.asyncProperty(fc.array(record, { maxLength: 12 }), fc.boolean(), cuts, async (records, bom, cutPoints) => {
        const text = records.map(([value, end, blank]) => JSON.stringify(value) + end + blank).join("");
        const bytes = utf8((bom ? "\uFEFF" : "") + text);
        const expected = records.map(([value]) => JSON.parse(JSON.stringify(value)) as unknown);
        await sameForEveryChunking(ndjson, bytes, cutPoints, expected);
      }),
      RUNS,
    );
  });

  it("sse(): random field lines, comments, blank lines and line ends", async () => {
    const name = fc.constantFrom("data", "data", "data", "event", "id", "retry", "", "dat", "Data", "datax", "\uFEFFdata", "x");
    const separator = fc.constantFrom(":", ": ", ":  ", "", " :", ":\t");
    const value = fc.oneof(
      fc.string({ unit: "binary", maxLength: 6 }),
      fc.constantFrom("", "1500", "03", "1.5", "-1", "a\u0000b", ":", " x", "🙂", "é", "{\"t\":\"hi\"}"),
    );
    const line = fc.oneof(
      { weight: 6, arbitrary: fc.tuple(name, separator, value).map(([n, s, v]) => n + s + v) },
      { weight: 3, arbitrary: fc.constant("") }, // blank line: dispatch
      { weight: 1, arbitrary: value.map((v) => `:${v}`) }, // comment
    );
    const stream = fc.tuple(
      fc.boolean(),
      fc.array(fc.tuple(line.map((l) => l.replace(/[\r\n]/g, "")), terminator), { maxLength: 20 }),
      fc.constantFrom("", "data: tail", "data: tail\n", "\r"),
    );
    await fc.assert(
      fc.asyncProperty(stream, fc.constantFrom(undefined, "", "42"), cuts, async ([bom, body, tail], lastEventId, cutPoints) => {
        const text = (bom ? "\uFEFF" : "") + body.map(([l, end]) => l + end).join("") + tail;
        const bytes = utf8(text);
        const expected = referenceSse(bytes, lastEventId ?? "");
        const decode = (source: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>) =>
          sse(source, lastEventId === undefined ? undefined : { lastEventId });
        await sameForEveryChunking(decode, bytes, cutPoints, expected);
      }),
      RUNS,
    );
  });
});
