// The async adapter alone, with a toy parser: how items, errors and the source's end,
// failure and cancellation come out of next(), whatever the chunking.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ItemIterator, type TextParser } from "../../../src/decode/items.js";
import { collect, oneByteChunks, splitAt, trackedStream, utf8 } from "./support.js";

/** One item per code point; "!" is an error after the items before it; the end adds "$". */
function chars(): TextParser<string> {
  return {
    push(text, out) {
      for (const c of text) {
        if (c === "!") throw new Error("bang");
        out.push(c);
      }
    },
    end(out) {
      out.push("$");
    },
  };
}

describe("ItemIterator", () => {
  it("serves items made from one chunk without reading another", async () => {
    const { stream, log } = trackedStream(["abc", "d"]);
    const iter = new ItemIterator(stream, chars());
    expect(log.pulls).toBe(0);
    expect(await iter.next()).toEqual({ done: false, value: "a" });
    const pulls = log.pulls;
    expect(await iter.next()).toEqual({ done: false, value: "b" });
    expect(await iter.next()).toEqual({ done: false, value: "c" });
    expect(log.pulls).toBe(pulls);
  });

  it("serves the items made before a parser error, then rejects with it and cancels the source", async () => {
    const { stream, log } = trackedStream(["ab!c", "d"]);
    const iter = new ItemIterator(stream, chars());
    expect((await iter.next()).value).toBe("a");
    expect((await iter.next()).value).toBe("b");
    await expect(iter.next()).rejects.toThrow("bang");
    expect(log.cancelled).toBe(true);
    expect((log.reason as Error).message).toBe("bang");
    expect(await iter.next()).toEqual({ done: true, value: undefined });
  });

  it("calls end() once the source ends, and serves what it made", async () => {
    expect(await collect(new ItemIterator(trackedStream(["x", "y"]).stream, chars()))).toEqual(["x", "y", "$"]);
  });

  it("does not call end() when the source fails", async () => {
    const failure = new Error("socket closed");
    await expect(collect(new ItemIterator(trackedStream(["x"], { error: failure }).stream, chars()))).rejects.toBe(failure);
  });

  it("serves concurrent next() calls in order across reads", async () => {
    const iter = new ItemIterator(trackedStream(["a", "", "bc"]).stream, chars());
    const results = await Promise.all([iter.next(), iter.next(), iter.next(), iter.next(), iter.next()]);
    expect(results.map((r) => r.value)).toEqual(["a", "b", "c", "$", undefined]);
  });

  it("gives the same items for every chunking (fast-check)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", maxLength: 40 }), fc.array(fc.nat({ max: 200 }), { maxLength: 10 }), async (s, cuts) => {
        const bytes = utf8(s.replace(/!/g, "?"));
        const expected = [...new TextDecoder().decode(bytes), "$"];
        expect(await collect(new ItemIterator(trackedStream([bytes]).stream, chars()))).toEqual(expected);
        expect(await collect(new ItemIterator(trackedStream(splitAt(bytes, cuts)).stream, chars()))).toEqual(expected);
        expect(await collect(new ItemIterator(trackedStream(oneByteChunks(bytes)).stream, chars()))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
