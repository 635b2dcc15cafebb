import { describe, expect, it } from "vitest";
import { openByteSource, type ByteSource } from "../../../src/decode/source.js";
import { collect, trackedIterable, trackedStream, utf8 } from "./support.js";

const text = (chunks: Uint8Array[]) => chunks.map((c) => new TextDecoder().decode(c));

/** The byte source as chunks, as the decoders read it: a test's view of openByteSource (leaving early cancels it). */
/**
 * Iterates a {@link ByteSource} chunk by chunk. Leaving the loop early (`break`, `throw`,
 * `return`) cancels the source and releases its lock, so the connection is freed; an
 * error of the source is thrown from the loop as is. A `Response` whose body is `null`
 * yields nothing.
 *
 * @example
 * ```ts
 * let total = 0;
 * for await (const chunk of byteChunks(await fetch(url))) {
 *   total += chunk.byteLength;
 *   if (total > 1_000_000) break; // the rest of the body is cancelled
 * }
 * ```
 */
async function* byteChunks(source: ByteSource): AsyncGenerator<Uint8Array, void, undefined> {
  const reader = openByteSource(source);
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk === undefined) return;
      yield chunk;
    }
  } finally {
    // A no-op once the source has ended or failed; otherwise the consumer left early.
    await reader.cancel();
  }
}

describe("byteChunks()", () => {
  it("iterates a ReadableStream chunk by chunk and releases its lock at the end", async () => {
    const { stream, log } = trackedStream(["ab", "c"]);
    expect(text(await collect(byteChunks(stream)))).toEqual(["ab", "c"]);
    expect(stream.locked).toBe(false);
    expect(log.cancelled).toBe(false);
  });

  it("iterates a Response body; a null body yields nothing", async () => {
    expect(text(await collect(byteChunks(new Response("xyz"))))).toEqual(["xyz"]);
    expect(await collect(byteChunks(new Response(null)))).toEqual([]);
  });

  it("iterates an async iterable", async () => {
    const { iterable, log } = trackedIterable(["a", "b"]);
    expect(text(await collect(byteChunks(iterable)))).toEqual(["a", "b"]);
    expect(log.returned).toBe(false);
  });

  it("does not use ReadableStream async iteration (older Safari lacks it)", async () => {
    const { stream } = trackedStream(["a"]);
    Object.defineProperty(stream, Symbol.asyncIterator, { value: undefined });
    expect(text(await collect(byteChunks(stream)))).toEqual(["a"]);
  });

  it("cancels the stream and releases the lock on break", async () => {
    const { stream, log } = trackedStream(["a", "b"]);
    for await (const _ of byteChunks(stream)) break;
    expect(log.cancelled).toBe(true);
    expect(stream.locked).toBe(false);
  });

  it("cancels the stream on throw", async () => {
    const { stream, log } = trackedStream(["a", "b"]);
    await expect(
      (async () => {
        for await (const _ of byteChunks(stream)) throw new Error("x");
      })(),
    ).rejects.toThrow("x");
    expect(log.cancelled).toBe(true);
  });

  it("returns an async iterable on break", async () => {
    const { iterable, log } = trackedIterable(["a", "b"]);
    for await (const _ of byteChunks(iterable)) break;
    expect(log.returned).toBe(true);
  });

  it("throws the stream's own error and releases the lock", async () => {
    const err = new Error("reset");
    const { stream, log } = trackedStream(["a"], { error: err });
    await expect(collect(byteChunks(stream))).rejects.toBe(err);
    expect(stream.locked).toBe(false);
    expect(log.cancelled).toBe(false);
  });
});

describe("openByteSource()", () => {
  it("locks a stream at once and reads it to the end", async () => {
    const { stream } = trackedStream([utf8("a")]);
    const reader = openByteSource(stream);
    expect(stream.locked).toBe(true);
    expect(text([(await reader.read())!])).toEqual(["a"]);
    expect(await reader.read()).toBeUndefined();
    expect(stream.locked).toBe(false);
    expect(await reader.read()).toBeUndefined();
  });

  it("cancel() passes the reason on, and does nothing a second time", async () => {
    const { stream, log } = trackedStream(["a"]);
    const reader = openByteSource(stream);
    const reason = new Error("enough");
    await reader.cancel(reason);
    expect(log.reason).toBe(reason);
    expect(stream.locked).toBe(false);
    await reader.cancel();
    expect(await reader.read()).toBeUndefined();
  });

  it("never rejects from cancel(), even when the source's cancel fails", async () => {
    const stream = new ReadableStream({
      cancel() {
        throw new Error("cannot cancel");
      },
    });
    await expect(openByteSource(stream).cancel()).resolves.toBeUndefined();
    const iterable = {
      [Symbol.asyncIterator]: () => ({
        next: async () => ({ done: false, value: new Uint8Array(1) }),
        return: async () => {
          throw new Error("cannot return");
        },
      }),
    };
    await expect(openByteSource(iterable).cancel()).resolves.toBeUndefined();
  });

  it("throws a TypeError for what is not a byte source", () => {
    expect(() => openByteSource(42 as never)).toThrow(TypeError);
    expect(() => openByteSource({} as never)).toThrow(TypeError);
  });
});

describe("chunk types", () => {
  it("reads other views and ArrayBuffers as their bytes", async () => {
    const bytes = utf8("héllo");
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const padded = new Uint8Array(bytes.length + 4);
    padded.set(bytes, 2);
    const sources = [
      [new DataView(buffer)],
      [buffer],
      [padded.subarray(2, 2 + bytes.length)],
      [new DataView(padded.buffer, 2, bytes.length)],
    ];
    for (const chunks of sources) {
      async function* gen() {
        yield* chunks;
      }
      expect(text(await collect(byteChunks(gen() as never)))).toEqual(["héllo"]);
    }
  });
});
