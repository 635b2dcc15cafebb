// The UTF-8 decoder alone: its text, whatever the chunking, is what one streaming
// TextDecoder gives for the whole input (one leading BOM dropped, U+FFFD for bad bytes).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Utf8Decoder } from "../../../src/decode/utf8.js";
import { oneByteChunks, splitAt, utf8 } from "./support.js";

function decodeAll(chunks: Uint8Array[]): string {
  const decoder = new Utf8Decoder();
  let text = "";
  for (const chunk of chunks) text += decoder.decode(chunk);
  return text + decoder.end();
}

/** Bytes biased towards the pieces of multi-byte, broken and BOM sequences. */
const bytes = fc.array(
  fc.oneof(
    fc.constantFrom(0x41, 0x0a, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x99, 0x82, 0xef, 0xbb, 0xbf),
    fc.constantFrom(0x80, 0xbf, 0xc0, 0xc1, 0xf5, 0xff, 0xed, 0xa0, 0xe0, 0xf4, 0x90),
    fc.integer({ min: 0, max: 255 }),
  ),
  { maxLength: 80 },
).map((b) => Uint8Array.from(b));

describe("Utf8Decoder", () => {
  it("holds a character cut between chunks until its last byte comes", () => {
    const decoder = new Utf8Decoder();
    expect(decoder.decode(Uint8Array.of(0x68, 0xc3))).toBe("h");
    expect(decoder.decode(Uint8Array.of(0xa9))).toBe("é");
    expect(decoder.end()).toBe("");
  });

  it("turns a character cut off by the end into U+FFFD", () => {
    const decoder = new Utf8Decoder();
    expect(decoder.decode(Uint8Array.of(0x61, 0xf0, 0x9f))).toBe("a");
    expect(decoder.end()).toBe("\uFFFD");
  });

  it("drops one leading BOM, even cut in three, and keeps a second one", () => {
    expect(decodeAll([Uint8Array.of(0xef), Uint8Array.of(0xbb), Uint8Array.of(0xbf, 0xef, 0xbb, 0xbf, 0x41)])).toBe("\uFEFFA");
  });

  it("copies the bytes it holds: a source reusing its buffer does not change them", () => {
    const decoder = new Utf8Decoder();
    const buffer = Uint8Array.of(0x41, 0xe2, 0x82);
    expect(decoder.decode(buffer)).toBe("A");
    buffer.fill(0x7a);
    expect(decoder.decode(Uint8Array.of(0xac))).toBe("€");
  });

  it("gives the same text as one TextDecoder for every chunking (fast-check)", () => {
    fc.assert(
      fc.property(bytes, fc.array(fc.nat({ max: 200 }), { maxLength: 12 }), (input, cuts) => {
        const expected = new TextDecoder().decode(input);
        expect(decodeAll([input])).toBe(expected);
        expect(decodeAll(splitAt(input, cuts))).toBe(expected);
        expect(decodeAll(oneByteChunks(input))).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it("switches between its two paths (ASCII, then not, then ASCII) without changing the text", () => {
    const parts = ["plain ascii ", "naïve 東京 🙂 ", "ascii again ", "\u00e9", "x"].map(utf8);
    expect(decodeAll(parts)).toBe("plain ascii naïve 東京 🙂 ascii again éx");
  });
});
