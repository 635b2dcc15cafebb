// maxLineBytes / maxEventBytes: exact in UTF-8 bytes, the same whatever the chunking,
// the source cancelled with the error, and options checked before anything is read.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lines, ndjson, sse } from "../../../src/decode/index.js";
import { LimitError, isLimitError } from "../../../src/errors/limit-error.js";
import { collect, oneByteChunks, splitAt, trackedIterable, trackedStream, utf8, type Piece } from "./support.js";

/** What a decoder gave before it stopped, and how it stopped. */
async function outcome<T>(iter: AsyncIterable<T>): Promise<{ items: T[]; error?: unknown }> {
  const items: T[] = [];
  try {
    for await (const x of iter) items.push(x);
    return { items };
  } catch (error) {
    return { items, error };
  }
}

const linesLimited = (limit: number, ...pieces: Piece[]) =>
  outcome(lines(trackedStream(pieces).stream, { maxLineBytes: limit }));

describe("maxLineBytes", () => {
  it("accepts a line of exactly the limit and refuses one byte more", async () => {
    expect(await linesLimited(5, "12345\nabc")).toEqual({ items: ["12345", "abc"] });
    const { items, error } = await linesLimited(5, "ok\n123456\nnever");
    expect(items).toEqual(["ok"]);
    expect(error).toBeInstanceOf(LimitError);
    expect(error).toMatchObject({ code: "ERR_LIMIT", kind: "line", limit: 5, name: "LimitError" });
    expect(isLimitError(error)).toBe(true);
    expect(String(error)).toContain("maxLineBytes");
  });

  it("counts UTF-8 bytes, not characters: é is 2, 東 3, 🙂 4", async () => {
    expect((await linesLimited(6, "ééé\n東東\n🙂é\n")).items).toEqual(["ééé", "東東", "🙂é"]);
    for (const line of ["éééé", "東東é", "🙂東", "🙂🙂"]) {
      const { items, error } = await linesLimited(6, `a\n${line}\n`);
      expect(items).toEqual(["a"]);
      expect(isLimitError(error)).toBe(true);
    }
  });

  it("does not count the terminator, and applies to the last line without one", async () => {
    expect((await linesLimited(3, "abc\r\nabc\rabc")).items).toEqual(["abc", "abc", "abc"]);
    const { items, error } = await linesLimited(3, "abc\nabcd");
    expect(items).toEqual(["abc"]);
    expect(isLimitError(error)).toBe(true);
  });

  it("cancels a ReadableStream source with the LimitError as the reason", async () => {
    const { stream, log } = trackedStream(["x".repeat(100), "x".repeat(100), "never read"]);
    const { error } = await outcome(lines(stream, { maxLineBytes: 150 }));
    expect(isLimitError(error)).toBe(true);
    expect(log.cancelled).toBe(true);
    expect(log.reason).toBe(error);
    expect(log.pulls).toBe(2); // stopped at the chunk that passed the limit
  });

  it("ends an async iterable source (its finally runs)", async () => {
    const { iterable, log } = trackedIterable(["y".repeat(64), "y".repeat(64), "z\n"]);
    const { error } = await outcome(ndjson(iterable, { maxLineBytes: 100 }));
    expect(isLimitError(error)).toBe(true);
    expect(log.returned).toBe(true);
  });

  it("gives up an unfinished line as soon as it passes the limit, even one trickled a byte at a time", async () => {
    let pulled = 0;
    async function* trickle(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 1_000_000; i++) {
        pulled++;
        yield Uint8Array.of(0x61);
      }
    }
    const { error } = await outcome(lines(trickle(), { maxLineBytes: 10_000 }));
    expect(isLimitError(error)).toBe(true);
    expect(pulled).toBe(10_001);
  });

  it("stops the same way, at the same line, whatever the chunking", () =>
    fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constantFrom("\n", "\r\n", "\r"), fc.string({ unit: "grapheme", maxLength: 12 })), { maxLength: 30 }),
        fc.integer({ min: 1, max: 24 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (parts, limit, cuts) => {
          const bytes = utf8(parts.join(""));
          const whole = await outcome(lines(trackedStream([bytes]).stream, { maxLineBytes: limit }));
          const split = await outcome(lines(trackedStream(splitAt(bytes, cuts)).stream, { maxLineBytes: limit }));
          expect(split.items).toEqual(whole.items);
          expect(isLimitError(split.error)).toBe(isLimitError(whole.error));
        },
      ),
      { numRuns: 300 },
    ));
});

const events = (limit: number, ...pieces: Piece[]) =>
  outcome(sse(trackedStream(pieces).stream, { maxEventBytes: limit }));

describe("maxEventBytes", () => {
  it("bounds the data of an event, lines joined with \\n, in UTF-8 bytes", async () => {
    // data "abcd\nabcd\nabcé" is 15 bytes; each line (10 and 11 bytes) is within the limit too
    const block = "data:abcd\ndata: abcd\ndata:abcé\n\n";
    expect((await events(15, block)).items.map((e) => e.data)).toEqual(["abcd\nabcd\nabcé"]);
    const { items, error } = await events(14, `data: ok\n\n${block}data: never\n\n`);
    expect(items.map((e) => e.data)).toEqual(["ok"]);
    expect(error).toMatchObject({ code: "ERR_LIMIT", kind: "event", limit: 14 });
    expect(String(error)).toContain("maxEventBytes");
  });

  it("refuses an event past the limit in the middle of a chunk of small ones (the quick path checks too)", async () => {
    const { items, error } = await events(10, "data: a\n\ndata: b\n\ndata: 1234567890123\n\ndata: c\n\n");
    expect(items.map((e) => e.data)).toEqual(["a", "b"]);
    expect(isLimitError(error)).toBe(true);
  });

  it("bounds every line too, field name included, comments and unknown fields too", async () => {
    const { items, error } = await events(10, "data: a\n\n: this comment is too long\ndata: b\n\n");
    expect(items.map((e) => e.data)).toEqual(["a"]);
    expect(isLimitError(error)).toBe(true);
  });

  it("starts counting again after each dispatch", async () => {
    const block = "data:12\ndata:34\n\n"; // data "12\n34": 5 bytes; lines of 7
    const { items, error } = await events(7, block.repeat(50));
    expect(error).toBeUndefined();
    expect(items).toHaveLength(50);
  });

  it("keeps many small data lines joined exactly (gathered and joined in groups)", async () => {
    const values = Array.from({ length: 1000 }, (_, i) => (i % 3 === 0 ? "" : `v${i}`));
    const body = `${values.map((v) => `data: ${v}\n`).join("")}\n`;
    for (const chunks of [[utf8(body)], oneByteChunks(utf8(body))]) {
      const { items } = await outcome(sse(trackedStream(chunks).stream));
      expect(items.map((e) => e.data)).toEqual([values.join("\n")]);
    }
  });

  it("cancels the source with the LimitError", async () => {
    const { stream, log } = trackedStream(["data: 0123456789\n".repeat(10), "data: x\n".repeat(100), "\n"]);
    const { error } = await outcome(sse(stream, { maxEventBytes: 200 }));
    expect(isLimitError(error)).toBe(true);
    expect(log.cancelled).toBe(true);
    expect(log.reason).toBe(error);
  });
});

describe("maxEventBytes whatever the chunking", () => {
  const field = fc.oneof(
    fc.string({ unit: "grapheme", maxLength: 10 }).map((v) => `data: ${v}`),
    fc.string({ unit: "grapheme", maxLength: 10 }).map((v) => `data:${v}`),
    fc.constantFrom("data", "event: x", "id: 7", "retry: 10", ": comment", ""),
    // An event the quick path takes (a lone data line and its blank line), of any length.
    fc.nat({ max: 30 }).map((n) => `data: ${"x".repeat(n)}\n`),
  );
  it("stops the same way, at the same event, for every split (the quick path and the line rules agree)", () =>
    fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(field, fc.constantFrom("\n", "\r\n", "\r")), { maxLength: 30 }),
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (lines, limit, cuts) => {
          const bytes = utf8(lines.map(([l, end]) => l + end).join(""));
          const whole = await outcome(sse(trackedStream([bytes]).stream, { maxEventBytes: limit }));
          const split = await outcome(sse(trackedStream(splitAt(bytes, cuts)).stream, { maxEventBytes: limit }));
          const bytewise = await outcome(sse(trackedStream(oneByteChunks(bytes)).stream, { maxEventBytes: limit }));
          for (const other of [split, bytewise]) {
            expect(other.items).toEqual(whole.items);
            expect(isLimitError(other.error)).toBe(isLimitError(whole.error));
          }
        },
      ),
      { numRuns: 300 },
    ));
});

describe("the options are checked before anything is read", () => {
  const bad: unknown[] = [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "1024", null, 2 ** 60];

  it.each(bad)("lines/ndjson: maxLineBytes %s is a TypeError naming it", (value) => {
    const { stream, log } = trackedStream(["a\n"]);
    expect(() => lines(stream, { maxLineBytes: value as number })).toThrow(TypeError);
    expect(() => ndjson(stream, { maxLineBytes: value as number })).toThrow(/maxLineBytes must be a positive integer/);
    expect(log.pulls).toBe(0);
    expect(stream.locked).toBe(false);
  });

  it.each(bad)("sse: maxEventBytes %s is a TypeError naming it", (value) => {
    const { stream } = trackedStream(["data: a\n\n"]);
    expect(() => sse(stream, { maxEventBytes: value as number })).toThrow(/maxEventBytes must be a positive integer/);
    expect(stream.locked).toBe(false);
  });

  it("sse: a lastEventId that is not a string is a TypeError naming it", () => {
    const { stream } = trackedStream([]);
    expect(() => sse(stream, { lastEventId: 7 as unknown as string })).toThrow(/lastEventId must be a string/);
  });

  it("options that are not an object are a TypeError", () => {
    const { stream } = trackedStream([]);
    expect(() => lines(stream, 1024 as never)).toThrow(TypeError);
  });

  it("undefined options keep the defaults", async () => {
    expect(await collect(lines(trackedStream(["a\nb"]).stream, {}))).toEqual(["a", "b"]);
    expect(await collect(lines(trackedStream(["a\nb"]).stream, { maxLineBytes: undefined }))).toEqual(["a", "b"]);
  });
});
