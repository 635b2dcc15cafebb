// Helpers shared by the decoder tests: byte sources that record what happened to them,
// chunkings, and plain reference models of the decoders.
import type { ServerSentEvent } from "../../../src/decode/index.js";

const encoder = new TextEncoder();

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export type Piece = string | Uint8Array;

function toBytes(piece: Piece): Uint8Array {
  return typeof piece === "string" ? utf8(piece) : piece;
}

/** A ReadableStream of the given chunks that records pulls, its cancellation and its reason. */
export function trackedStream(pieces: Piece[], options: { error?: unknown } = {}) {
  const chunks = pieces.map(toBytes);
  const log = { cancelled: false, reason: undefined as unknown, pulls: 0 };
  let i = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        log.pulls++;
        if (i < chunks.length) controller.enqueue(chunks[i++]);
        else if (options.error !== undefined) controller.error(options.error);
        else controller.close();
      },
      cancel(reason) {
        log.cancelled = true;
        log.reason = reason;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, log };
}

/** An async generator source that records whether its `finally` ran (it was returned). */
export function trackedIterable(pieces: Piece[], options: { error?: unknown } = {}) {
  const log = { finished: false, returned: false };
  async function* gen(): AsyncGenerator<Uint8Array> {
    let completed = false;
    try {
      for (const p of pieces) yield toBytes(p);
      if (options.error !== undefined) throw options.error;
      completed = true;
    } finally {
      log.finished = true;
      log.returned = !completed;
    }
  }
  return { iterable: gen(), log };
}

/** An async iterable of the chunks, without a stream in between. */
export async function* chunksOf(chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const c of chunks) yield c;
}

export async function collect<T>(iter: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iter) out.push(x);
  return out;
}

/** Splits `bytes` at the given cut positions (taken modulo the length, sorted, deduplicated). */
export function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % (bytes.length + 1))))].sort(
    (a, b) => a - b,
  );
  const out: Uint8Array[] = [];
  let last = 0;
  for (const p of points) {
    out.push(bytes.slice(last, p)); // empty chunks included on purpose
    last = p;
  }
  out.push(bytes.slice(last));
  return out;
}

export function oneByteChunks(bytes: Uint8Array): Uint8Array[] {
  return Array.from(bytes, (b) => Uint8Array.of(b));
}

/** Lines as the contract defines them, from the whole text at once. */
export function referenceLines(bytes: Uint8Array): string[] {
  const text = new TextDecoder().decode(bytes); // drops one leading BOM, U+FFFD for bad bytes
  if (text === "") return [];
  const parts = text.split(/\r\n|\r|\n/);
  if (parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/**
 * Server-Sent Events by the WHATWG rules, written plainly from the standard (whole text
 * at once, one line at a time), plus tierfetch's documented choice for `retry`: reported
 * on the next dispatched event.
 */
export function referenceSse(bytes: Uint8Array, lastEventId = ""): ServerSentEvent[] {
  const text = new TextDecoder().decode(bytes);
  const lines = text.split(/\r\n|\r|\n/);
  lines.pop(); // what follows the last terminator is not a complete line
  const out: ServerSentEvent[] = [];
  let data = "";
  let type = "";
  let id = lastEventId;
  let retry: number | undefined;
  for (const line of lines) {
    if (line === "") {
      if (data === "") {
        type = "";
        continue;
      }
      if (data.endsWith("\n")) data = data.slice(0, -1);
      const event: ServerSentEvent = { event: type === "" ? "message" : type, data, id };
      if (retry !== undefined) event.retry = retry;
      out.push(event);
      retry = undefined;
      data = "";
      type = "";
      continue;
    }
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") data += `${value}\n`;
    else if (field === "event") type = value;
    else if (field === "id") {
      if (!value.includes("\0")) id = value;
    } else if (field === "retry") {
      if (/^[0-9]+$/.test(value)) retry = Number(value);
    }
  }
  return out;
}
