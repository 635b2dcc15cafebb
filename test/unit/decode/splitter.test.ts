// The synchronous line splitter alone: text in, lines out, whatever way the text is cut.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isLimitError } from "../../../src/errors/limit-error.js";
import { LineSplitter } from "../../../src/decode/splitter.js";

const BIG = 1 << 20;

/** Lines of `texts` through push() and end(). */
function pushed(texts: string[], limit = BIG): string[] {
  const splitter = new LineSplitter(limit, "line");
  const out: string[] = [];
  for (const t of texts) splitter.push(t, out);
  return splitter.end(out);
}

/** Lines of `texts` read through the block form (take, first, lineEnd, after), as sse() reads them. */
function blocks(texts: string[]): string[] {
  const splitter = new LineSplitter(BIG, "line");
  const out: string[] = [];
  for (const t of texts) {
    const block = splitter.take(t);
    if (splitter.first !== undefined) out.push(splitter.first);
    for (let pos = splitter.blockStart; pos < splitter.blockEnd; ) {
      const end = splitter.lineEnd(block, pos);
      out.push(block.slice(pos, end));
      pos = splitter.after(block, end);
    }
    splitter.checkHeld();
  }
  const last = splitter.rest();
  return last === undefined ? out : [...out, last];
}

/** The contract's lines, from the whole text at once. */
function reference(text: string): string[] {
  if (text === "") return [];
  const parts = text.split(/\r\n|\r|\n/);
  if (parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/** Cuts `text` at the given positions (mod its length), empty pieces included. */
function cutText(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let last = 0;
  for (const p of points) {
    out.push(text.slice(last, p));
    last = p;
  }
  out.push(text.slice(last));
  return out;
}

const text = fc
  .array(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom("\n", "\r", "\r\n", "\n\r", "\r\r", "é", "🙂")), { maxLength: 30 })
  .map((parts) => parts.join(""));

describe("LineSplitter", () => {
  it("pairs a \\r ending one text with a \\n starting the next", () => {
    const splitter = new LineSplitter(BIG, "line");
    expect(splitter.push("a\r", [])).toEqual(["a"]);
    expect(splitter.push("\nb\nc", [])).toEqual(["b"]);
    expect(splitter.end([])).toEqual(["c"]);
  });

  it("completes a held line with the next text's first line, as `first` in the block form", () => {
    const splitter = new LineSplitter(BIG, "line");
    splitter.take("ab");
    splitter.take("c");
    const block = splitter.take("d\ne\nf");
    expect(splitter.first).toBe("abcd");
    expect(block.slice(splitter.blockStart, splitter.blockEnd)).toBe("e\n");
    expect(splitter.rest()).toBe("f");
    expect(splitter.rest()).toBeUndefined();
  });

  it("gives the lines of the whole text for every way of cutting it, in both forms (fast-check)", () => {
    fc.assert(
      fc.property(text, fc.array(fc.nat({ max: 300 }), { maxLength: 12 }), (t, cuts) => {
        const expected = reference(t);
        expect(pushed([t])).toEqual(expected);
        expect(pushed(cutText(t, cuts))).toEqual(expected);
        expect(pushed([...t])).toEqual(expected);
        expect(blocks(cutText(t, cuts))).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it("joins a line trickled one character at a time in linear time", () => {
    const splitter = new LineSplitter(BIG, "line");
    for (let i = 0; i < 100_000; i++) splitter.push("x", []);
    expect(splitter.push("\n", [])).toEqual(["x".repeat(100_000)]);
  });

  it("throws a LimitError once the unfinished line passes the limit, counted in UTF-8 bytes", () => {
    const splitter = new LineSplitter(6, "line");
    splitter.push("ééé", []); // 6 bytes: at the limit
    let error: unknown;
    try {
      splitter.push("a", []);
    } catch (e) {
      error = e;
    }
    expect(isLimitError(error)).toBe(true);
  });

  it("appends the lines before a line past the limit, then throws", () => {
    const splitter = new LineSplitter(3, "line");
    const out: string[] = [];
    expect(() => splitter.push("ab\ncd\ntoo long\nx\n", out)).toThrow(/longer than 3 bytes/);
    expect(out).toEqual(["ab", "cd"]);
  });
});
