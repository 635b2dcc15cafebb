/**
 * UTF-8 bytes to text, chunk by chunk, for the stream decoders: the output of one
 * streaming `TextDecoder` whatever the chunk boundaries, on the engine's fastest path.
 *
 * @module
 */

/**
 * UTF-8 to text, chunk by chunk, with the output of one streaming `TextDecoder` (one
 * leading BOM dropped, invalid bytes as U+FFFD) whatever the chunk boundaries.
 *
 * Why not just `decode(chunk, { stream: true })`: Node's `TextDecoder` only takes its
 * SIMD path (about 4x faster on ASCII) for calls without `stream`. So each chunk is cut
 * after its last complete character; the few bytes of an unfinished one wait for the next
 * chunk. A cut before a byte that is not a continuation byte (or after a finished
 * sequence) is a point where decoding can restart without changing the output, so the
 * pieces can be decoded one by one. Text that is not ASCII decodes faster through the
 * streaming (ICU) path in Node, so after a non-ASCII piece the next one goes there; the
 * two decoders give the same text, and the streaming one is flushed before a switch back.
 * Elsewhere (browsers, Deno, Bun) both paths are fast and this costs a few comparisons.
 *
 * @example
 * ```ts
 * const decoder = new Utf8Decoder();
 * decoder.decode(Uint8Array.of(0x68, 0xc3)); // "h" (the é waits for its second byte)
 * decoder.decode(Uint8Array.of(0xa9));       // "é"
 * decoder.end();                             // "" (a cut-off character would be "\uFFFD")
 * ```
 */
export class Utf8Decoder {
  /** Never called with `stream`: the engine's fast path. */
  private readonly whole = new TextDecoder("utf-8", { ignoreBOM: true });
  private streaming: TextDecoder | undefined;
  /** The streaming decoder may hold the start of an invalid sequence (a U+FFFD to come). */
  private streamingUsed = false;
  /** The last piece was ASCII (its text is as long as its bytes). */
  private ascii = true;
  /** Bytes of an unfinished character, from the end of the last chunk. */
  private partial: Uint8Array | undefined;
  /** No text has come out yet: a BOM would be the first character. */
  private atStart = true;

  decode(chunk: Uint8Array): string {
    let bytes = chunk;
    const partial = this.partial;
    if (partial !== undefined) {
      this.partial = undefined;
      bytes = new Uint8Array(partial.length + chunk.length);
      bytes.set(partial);
      bytes.set(chunk, partial.length);
    }
    const n = bytes.length;
    // The last byte that is not a continuation byte (10xxxxxx), among the last three.
    const stop = n > 3 ? n - 3 : 0;
    for (let i = n - 1; i >= stop; i--) {
      const b = bytes[i];
      if ((b & 0xc0) !== 0x80) {
        const need = b < 0xc2 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : b < 0xf5 ? 4 : 1;
        if (n - i < need) {
          // Copied: the source may reuse its buffer (and Buffer#slice would not copy).
          const rest = new Uint8Array(n - i);
          rest.set(bytes.subarray(i));
          this.partial = rest;
          bytes = bytes.subarray(0, i);
        }
        break;
      }
    }
    return bytes.length === 0 ? "" : this.text(bytes, true);
  }

  /** The end of the bytes: an unfinished character becomes U+FFFD. */
  end(): string {
    const partial = this.partial;
    this.partial = undefined;
    let text = partial === undefined ? "" : this.text(partial, false);
    if (this.streamingUsed) {
      this.streamingUsed = false;
      text = this.streaming!.decode() + text;
    }
    return text;
  }

  private text(bytes: Uint8Array, more: boolean): string {
    let text: string;
    if (this.ascii || !more) {
      text = this.whole.decode(bytes);
      if (this.streamingUsed) {
        this.streamingUsed = false;
        text = this.streaming!.decode() + text;
      }
    } else {
      this.streaming ??= new TextDecoder("utf-8", { ignoreBOM: true });
      text = this.streaming.decode(bytes, { stream: true });
      this.streamingUsed = true;
    }
    this.ascii = text.length === bytes.length;
    if (this.atStart && text.length > 0) {
      this.atStart = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return text;
  }
}
