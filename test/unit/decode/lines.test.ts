import { describe, expect, it } from "vitest";
import { lines } from "../../../src/decode/index.js";
import {
  chunksOf,
  collect,
  concat,
  oneByteChunks,
  trackedIterable,
  trackedStream,
  utf8,
  type Piece,
} from "./support.js";

const linesOf = (...pieces: Piece[]) => collect(lines(trackedStream(pieces).stream));

describe("lines(): line terminators", () => {
  it("splits on \\n", async () => {
    expect(await linesOf("a\nb\nc\n")).toEqual(["a", "b", "c"]);
  });

  it("splits on \\r\\n as one terminator", async () => {
    expect(await linesOf("a\r\nb\r\n")).toEqual(["a", "b"]);
  });

  it("splits on a lone \\r", async () => {
    expect(await linesOf("a\rb\rc")).toEqual(["a", "b", "c"]);
  });

  it("takes \\r at the end of one chunk and \\n at the start of the next as one terminator", async () => {
    expect(await linesOf("a\r", "\nb\r", "\n")).toEqual(["a", "b"]);
  });

  it("still pairs them across empty chunks in between", async () => {
    expect(await linesOf("a\r", "", new Uint8Array(0), "\nb")).toEqual(["a", "b"]);
  });

  it("ends a line at \\r ending a chunk when the next chunk does not start with \\n", async () => {
    expect(await linesOf("a\r", "b\r", "\rc")).toEqual(["a", "b", "", "c"]);
  });

  it("keeps empty lines, including \\n\\r (two terminators) and \\r\\r", async () => {
    expect(await linesOf("\n\na\n\rb\r\rc")).toEqual(["", "", "a", "", "b", "", "c"]);
  });

  it("mixes all three in one chunk", async () => {
    expect(await linesOf("1\r\n2\n3\r4\r\n\r\n5")).toEqual(["1", "2", "3", "4", "", "5"]);
  });

  it("yields lines without their terminator", async () => {
    for (const line of await linesOf("x\r\ny\rz\n")) expect(line).not.toMatch(/[\r\n]/);
  });
});

describe("lines(): the last line", () => {
  it("yields a final line without a terminator", async () => {
    expect(await linesOf("a\nlast")).toEqual(["a", "last"]);
  });

  it("yields a final line without a terminator split over chunks", async () => {
    expect(await linesOf("a\nla", "s", "t")).toEqual(["a", "la" + "st"]);
  });

  it("adds no empty line after a final terminator", async () => {
    expect(await linesOf("a\n")).toEqual(["a"]);
    expect(await linesOf("a\r\n")).toEqual(["a"]);
    expect(await linesOf("a\r")).toEqual(["a"]);
  });

  it("yields nothing for an empty body, one empty line for a lone terminator", async () => {
    expect(await linesOf()).toEqual([]);
    expect(await linesOf("")).toEqual([]);
    expect(await linesOf("\n")).toEqual([""]);
    expect(await linesOf("\r\n")).toEqual([""]);
  });
});

describe("lines(): UTF-8", () => {
  const text = "é€🙂東";
  const bytes = utf8(`${text}\n${text}`);

  it("decodes a character split across chunks, at every split point", async () => {
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(await linesOf(bytes.slice(0, cut), bytes.slice(cut)), `cut at ${cut}`).toEqual([text, text]);
    }
  });

  it("decodes one byte per chunk", async () => {
    expect(await collect(lines(chunksOf(oneByteChunks(bytes))))).toEqual([text, text]);
  });

  it("decodes a 4-byte character spread over three chunks", async () => {
    const emoji = utf8("🙂"); // f0 9f 99 82
    expect(await linesOf(emoji.slice(0, 1), emoji.slice(1, 3), emoji.slice(3))).toEqual(["🙂"]);
  });

  it("turns invalid and truncated sequences into U+FFFD as TextDecoder does, whatever the chunking", async () => {
    const bad = Uint8Array.of(0x61, 0xe2, 0x82, 0x62, 0xff, 0x0a, 0xc3, 0x0a, 0xf0, 0x9f, 0x99);
    const expected = new TextDecoder().decode(bad).split("\n");
    expect(await linesOf(bad)).toEqual(expected);
    expect(await collect(lines(chunksOf(oneByteChunks(bad))))).toEqual(expected);
    expect(expected).toEqual(["a\uFFFDb\uFFFD", "\uFFFD", "\uFFFD"]);
  });

  it("keeps broken sequences in order when decoding switches paths mid-stream", async () => {
    // Non-ASCII text sends the next pieces down the streaming decoder; the third piece
    // ends holding a pending "e2" yet looks ASCII-sized, so the fourth takes the other
    // path: the pending U+FFFD must come out before the fourth piece's text.
    const pieces = [
      Uint8Array.of(0xc3, 0xa9),
      Uint8Array.of(0xe2, 0x82, 0xf0),
      Uint8Array.of(0x41, 0xe2, 0xf0),
      Uint8Array.of(0x42),
    ];
    const expected = new TextDecoder().decode(concat(pieces));
    expect(expected).toBe("é\uFFFD\uFFFDA\uFFFD\uFFFDB");
    expect(await linesOf(...pieces)).toEqual([expected]);
    expect(await linesOf(...pieces.slice(0, 2))).toEqual(["é\uFFFD\uFFFD"]);
  });

  it("strips one leading BOM", async () => {
    expect(await linesOf("\uFEFFa\nb")).toEqual(["a", "b"]);
  });

  it("strips a BOM split across chunks", async () => {
    const bom = Uint8Array.of(0xef, 0xbb, 0xbf);
    expect(await linesOf(bom.slice(0, 1), bom.slice(1, 2), concat([bom.slice(2), utf8("a")]))).toEqual(["a"]);
  });

  it("strips only one BOM, and none after the start", async () => {
    expect(await linesOf("\uFEFF\uFEFFa\n\uFEFFb")).toEqual(["\uFEFFa", "\uFEFFb"]);
    expect(await linesOf("x", "\uFEFFa")).toEqual(["x\uFEFFa"]);
  });

  it("handles a long line spread over many chunks", async () => {
    const long = "ab\u00e9".repeat(100_000);
    const bytes = utf8(`${long}\nend`);
    const chunks: Uint8Array[] = [];
    for (let o = 0; o < bytes.length; o += 1000) chunks.push(bytes.slice(o, o + 1000));
    expect(await collect(lines(chunksOf(chunks)))).toEqual([long, "end"]);
  });
});

describe("lines(): sources", () => {
  it("reads a Response", async () => {
    expect(await collect(lines(new Response("a\nb")))).toEqual(["a", "b"]);
  });

  it("yields nothing for a Response whose body is null", async () => {
    expect(await collect(lines(new Response(null, { status: 204 })))).toEqual([]);
  });

  it("reads an async iterable", async () => {
    const { iterable } = trackedIterable(["a\r", "\nb"]);
    expect(await collect(lines(iterable))).toEqual(["a", "b"]);
  });

  it("does not touch the source before the first next()", async () => {
    const res = new Response("a\nb");
    const iter = lines(res);
    expect(res.bodyUsed).toBe(false);
    expect(res.body!.locked).toBe(false);
    expect(await iter.next()).toEqual({ done: false, value: "a" });
    expect(res.body!.locked).toBe(true);
  });

  it("rejects a used body with a TypeError", async () => {
    const res = new Response("a");
    await res.text();
    await expect(collect(lines(res))).rejects.toBeInstanceOf(TypeError);
  });

  it("rejects something that is not a byte source with a TypeError", async () => {
    await expect(collect(lines("a\nb" as never))).rejects.toThrow(TypeError);
  });

  it("rejects chunks that are not bytes with a TypeError", async () => {
    async function* strings() {
      yield "a\n";
    }
    await expect(collect(lines(strings() as never))).rejects.toThrow(/Uint8Array/);
  });

  it("pulls a chunk only when the consumer asks for more lines", async () => {
    const { stream, log } = trackedStream(["a\nb\n", "c\n", "d\n"]);
    const iter = lines(stream);
    await iter.next();
    await iter.next();
    expect(log.pulls).toBe(1);
    await iter.next();
    expect(log.pulls).toBe(2);
  });
});

describe("lines(): leaving early releases the source", () => {
  it("break cancels the stream and releases its lock", async () => {
    const { stream, log } = trackedStream(["a\nb\n", "c\n"]);
    for await (const line of lines(stream)) {
      expect(line).toBe("a");
      break;
    }
    expect(log.cancelled).toBe(true);
    expect(stream.locked).toBe(false);
  });

  it("throw cancels the stream", async () => {
    const { stream, log } = trackedStream(["a\nb\n"]);
    const boom = new Error("consumer failed");
    await expect(
      (async () => {
        for await (const _ of lines(stream)) throw boom;
      })(),
    ).rejects.toBe(boom);
    expect(log.cancelled).toBe(true);
  });

  it("return from the enclosing function cancels the stream", async () => {
    const { stream, log } = trackedStream(["a\nb\n"]);
    const first = await (async () => {
      for await (const line of lines(stream)) return line;
      return undefined;
    })();
    expect(first).toBe("a");
    expect(log.cancelled).toBe(true);
  });

  it("break cancels the body of a Response", async () => {
    const { stream, log } = trackedStream(["a\nb\n", "c\n"]);
    for await (const _ of lines(new Response(stream))) break;
    expect(log.cancelled).toBe(true);
  });

  it("break returns an async iterable source (its finally runs)", async () => {
    const { iterable, log } = trackedIterable(["a\nb\n", "c\n"]);
    for await (const _ of lines(iterable)) break;
    expect(log.returned).toBe(true);
  });

  it("return() before any next() cancels an unread stream", async () => {
    const { stream, log } = trackedStream(["a\n"]);
    expect(await lines(stream).return!()).toEqual({ done: true, value: undefined });
    expect(log.cancelled).toBe(true);
  });

  it("next() after return() is done, and the source is cancelled once", async () => {
    const { stream, log } = trackedStream(["a\nb\n"]);
    const iter = lines(stream);
    await iter.next();
    await iter.return!();
    expect(await iter.next()).toEqual({ done: true, value: undefined });
    expect(log.cancelled).toBe(true);
  });

  it("throw() cancels the stream and rejects with the given error", async () => {
    const { stream, log } = trackedStream(["a\nb\n"]);
    const iter = lines(stream);
    await iter.next();
    const err = new Error("stop");
    await expect(iter.throw!(err)).rejects.toBe(err);
    expect(log.cancelled).toBe(true);
  });

  it("does not cancel a source that ended normally", async () => {
    const { stream, log } = trackedStream(["a\n"]);
    expect(await collect(lines(stream))).toEqual(["a"]);
    expect(log.cancelled).toBe(false);
    expect(stream.locked).toBe(false);
  });
});

describe("lines(): errors of the source", () => {
  it("yields the lines before the error, then rejects with the stream's own error", async () => {
    const failure = new Error("connection reset");
    const iter = lines(trackedStream(["a\nb", "c\n"], { error: failure }).stream);
    expect(await iter.next()).toEqual({ done: false, value: "a" });
    expect(await iter.next()).toEqual({ done: false, value: "bc" });
    await expect(iter.next()).rejects.toBe(failure);
    expect(await iter.next()).toEqual({ done: true, value: undefined });
  });

  it("rejects with an async iterable's own error", async () => {
    const failure = new TypeError("terminated");
    const { iterable } = trackedIterable(["a\n"], { error: failure });
    const got: string[] = [];
    await expect(
      (async () => {
        for await (const line of lines(iterable)) got.push(line);
      })(),
    ).rejects.toBe(failure);
    expect(got).toEqual(["a"]);
  });

  it("does not yield the unterminated last line when the source fails", async () => {
    const failure = new Error("cut");
    await expect(collect(lines(trackedStream(["a\npart"], { error: failure }).stream))).rejects.toBe(failure);
  });
});

describe("lines(): iterator protocol", () => {
  it("is its own async iterator", () => {
    const iter = lines(new Response(""));
    expect(iter[Symbol.asyncIterator]()).toBe(iter);
  });

  it("serves concurrent next() calls in order", async () => {
    const iter = lines(trackedStream(["a\n", "b\nc", "\nd"]).stream);
    const results = await Promise.all([iter.next(), iter.next(), iter.next(), iter.next(), iter.next()]);
    expect(results).toEqual([
      { done: false, value: "a" },
      { done: false, value: "b" },
      { done: false, value: "c" },
      { done: false, value: "d" },
      { done: true, value: undefined },
    ]);
  });
});

describe("lines(): chunk types", () => {
  it("decodes DataView and ArrayBuffer chunks, splitting a character between them", async () => {
    const bytes = utf8("é\n€");
    async function* gen() {
      yield new DataView(bytes.buffer, 0, 1);
      yield bytes.buffer.slice(1, 3);
      yield new Uint16Array(bytes.slice(3, 5).buffer);
      yield bytes.slice(5);
    }
    expect(await collect(lines(gen() as never))).toEqual(["é", "€"]);
  });

  it("is not confused by a source that reuses its buffer", async () => {
    const shared = new Uint8Array(2);
    async function* gen() {
      shared.set([0x61, 0xc3]); // "a" and the first byte of "é"
      yield shared;
      shared.set([0xa9, 0x0a]); // the second byte of "é" and "\n"
      yield shared;
    }
    expect(await collect(lines(gen()))).toEqual(["aé"]);
  });
});
