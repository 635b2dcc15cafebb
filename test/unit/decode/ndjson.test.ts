import { describe, expect, it } from "vitest";
import { ndjson } from "../../../src/decode/index.js";
import { chunksOf, collect, oneByteChunks, trackedIterable, trackedStream, utf8, type Piece } from "./support.js";

const valuesOf = (...pieces: Piece[]) => collect(ndjson(trackedStream(pieces).stream));

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("ndjson(): parsing", () => {
  it("parses one JSON value per line", async () => {
    expect(await valuesOf('{"a":1}\n[1,2]\n"s"\n3\nnull\ntrue\n')).toEqual([{ a: 1 }, [1, 2], "s", 3, null, true]);
  });

  it("accepts \\r\\n, \\r and a final line without a terminator", async () => {
    expect(await valuesOf('{"a":1}\r\n{"a":2}\r{"a":3}')).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
  });

  it("skips blank lines, including lines of spaces and tabs", async () => {
    expect(await valuesOf('\n1\n\n  \n\t\n \t 2 \n\r\n')).toEqual([1, 2]);
  });

  it("joins a value split across chunks, and UTF-8 split inside it", async () => {
    const bytes = utf8('{"name":"Zoë 🙂"}\n{"n":2}\n');
    expect(await collect(ndjson(chunksOf(oneByteChunks(bytes))))).toEqual([{ name: "Zoë 🙂" }, { n: 2 }]);
  });

  it("strips a leading BOM (JSON.parse would reject it)", async () => {
    expect(await valuesOf("\uFEFF", '{"a":1}\n')).toEqual([{ a: 1 }]);
  });

  it("reads a Response and a null body", async () => {
    expect(await collect(ndjson(new Response('{"ok":true}\n')))).toEqual([{ ok: true }]);
    expect(await collect(ndjson(new Response(null)))).toEqual([]);
  });
});

describe("ndjson(): a bad line", () => {
  it("throws a SyntaxError naming its 1-based line number, blank lines counted", async () => {
    const err = await failure(valuesOf('{"a":1}\n\n{"a":2}\n{bad}\n{"a":3}\n'));
    expect(err).toBeInstanceOf(SyntaxError);
    expect(err.message).toMatch(/\bline 4\b/);
    expect(err.message).toContain("{bad}");
  });

  it("counts \\r\\n as one line end and a split \\r\\n too", async () => {
    const err = await failure(valuesOf("1\r", "\n2\r\n", "x\r\n"));
    expect(err.message).toMatch(/\bline 3\b/);
  });

  it("quotes no more than about 100 characters of the line", async () => {
    const line = `{"secret":"${"s".repeat(10_000)}"`; // unterminated object
    const err = await failure(valuesOf(`1\n${line}\n`));
    expect(err.message).toMatch(/\bline 2\b/);
    expect(err.message.length).toBeLessThan(250);
    expect(err.message).not.toContain("s".repeat(100));
    expect((err as Error & { cause?: unknown }).cause).toBeUndefined();
  });

  it("yields the values before it, then cancels the stream with the error", async () => {
    const { stream, log } = trackedStream(["1\n2\nnope\n", "3\n"]);
    const iter = ndjson(stream);
    expect(await iter.next()).toEqual({ done: false, value: 1 });
    expect(await iter.next()).toEqual({ done: false, value: 2 });
    const err = await failure(iter.next());
    expect(err).toBeInstanceOf(SyntaxError);
    expect(log.cancelled).toBe(true);
    expect(log.reason).toBe(err);
    expect(stream.locked).toBe(false);
    expect(await iter.next()).toEqual({ done: true, value: undefined });
  });

  it("cancels when the bad line is found inside a chunk already read (no new read)", async () => {
    const { stream, log } = trackedStream(["1\n{\n2\n"]);
    const iter = ndjson(stream);
    await iter.next();
    await expect(iter.next()).rejects.toBeInstanceOf(SyntaxError);
    expect(log.cancelled).toBe(true);
  });

  it("fails on a bad unterminated last line too", async () => {
    const err = await failure(valuesOf("1\n{"));
    expect(err.message).toMatch(/\bline 2\b/);
  });

  it("returns an async iterable source when a line is bad", async () => {
    const { iterable, log } = trackedIterable(["1\nx\n", "2\n"]);
    await expect(collect(ndjson(iterable))).rejects.toBeInstanceOf(SyntaxError);
    expect(log.returned).toBe(true);
  });
});

describe("ndjson(): leaving early and source errors", () => {
  it("break cancels the stream", async () => {
    const { stream, log } = trackedStream(["1\n2\n", "3\n"]);
    for await (const _ of ndjson(stream)) break;
    expect(log.cancelled).toBe(true);
  });

  it("throw in the loop cancels the stream", async () => {
    const { stream, log } = trackedStream(["1\n2\n"]);
    await expect(
      (async () => {
        for await (const _ of ndjson(stream)) throw new Error("stop");
      })(),
    ).rejects.toThrow("stop");
    expect(log.cancelled).toBe(true);
  });

  it("rejects with the source's own error", async () => {
    const reset = new Error("ECONNRESET");
    const iter = ndjson(trackedStream(["1\n"], { error: reset }).stream);
    expect(await iter.next()).toEqual({ done: false, value: 1 });
    await expect(iter.next()).rejects.toBe(reset);
  });
});
