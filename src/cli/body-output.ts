/// <reference types="node" />
/**
 * The response body on stdout. Not pretty (a pipe, a file): copied chunk by chunk as it
 * arrives, byte for byte. Pretty (a terminal): JSON indented and coloured, text as is, binary
 * kept off the screen. When stdout closes (`| head -c 100`) the next write fails with EPIPE
 * and main.ts ends the process, which closes the connection: nothing more is downloaded.
 */
import { once } from "node:events";
import type { Colors } from "./colors.js";
import { concatBytes } from "./concat-bytes.js";
import { formatJson, isJson } from "./json-format.js";
import { isPretty, type OutputStyle } from "./output-style.js";

/** stdout with backpressure: resolves once the chunk is handed to the OS or buffered under the mark. */
export class Out {
  constructor(
    readonly stream: NodeJS.WriteStream,
    readonly c: Colors,
    readonly style: OutputStyle,
  ) {}

  get isTTY(): boolean {
    return this.stream.isTTY === true;
  }

  async write(chunk: string | Uint8Array): Promise<void> {
    if (!this.stream.write(chunk)) await once(this.stream, "drain");
  }
}

/** The most a pretty body is buffered to be indented; a larger one is shown as it comes. */
const PRETTY_MAX_BYTES = 32 * 1024 * 1024;

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)|^[\w.+-]+\/[\w.+-]+\+json\s*(?:;|$)/i;
const TEXT_TYPE = /^text\/|[+/](?:json|xml|yaml|x-ndjson|ndjson|jsonl|javascript|ecmascript|csv)\s*(?:;|$)|x-www-form-urlencoded/i;
const BINARY_TYPE = /^(?:image|audio|video|font)\/|^application\/(?:octet-stream|zip|gzip|x-gzip|x-tar|x-bzip2|zstd|pdf|wasm|x-protobuf|protobuf|msgpack|x-msgpack)\s*(?:;|$)/i;

/** Prints a success body. Returns its size and a note for stderr when it was kept off the terminal. */
export async function printBody(out: Out, res: Response): Promise<{ size: number; note?: string }> {
  const reader = res.body?.getReader();
  if (!reader) return { size: 0 };
  if (!isPretty(out.style)) return { size: await copy(out, reader) };
  const first = await firstChunk(reader);
  if (!first) return { size: 0 };
  const type = (res.headers.get("content-type") ?? "").trim();
  if (looksBinary(type, first) && out.isTTY) {
    await reader.cancel().catch(() => {});
    const length = res.headers.get("content-length");
    return { size: first.length, note: `binary body${length ? ` (${length} bytes)` : ""} not shown on the terminal; use -o FILE or a pipe` };
  }
  if (looksJson(type, first)) {
    const chunks = [first];
    let size = first.length;
    while (size <= PRETTY_MAX_BYTES) {
      const r = await reader.read();
      if (r.done) {
        await printBuffered(out, concatBytes(chunks), type);
        return { size };
      }
      chunks.push(r.value);
      size += r.value.length;
    }
    for (const c of chunks) await out.write(c);
    return { size: size + (await copy(out, reader, chunks[chunks.length - 1])) };
  }
  await out.write(first);
  return { size: first.length + (await copy(out, reader, first)) };
}

/**
 * Prints a whole body held in memory (a pretty JSON body, or the head of an error body): as is
 * when not pretty; else JSON indented and/or coloured, binary kept off a terminal.
 */
export async function printBuffered(out: Out, bytes: Uint8Array, contentType: string | null): Promise<string | undefined> {
  if (bytes.length === 0) return undefined;
  if (!isPretty(out.style)) {
    await out.write(bytes);
    return undefined;
  }
  const type = (contentType ?? "").trim();
  if (looksBinary(type, bytes) && out.isTTY) return `binary body (${bytes.length} bytes) not shown on the terminal; use -o FILE or a pipe`;
  if (looksJson(type, bytes)) {
    const text = new TextDecoder().decode(bytes);
    if (isJson(text)) {
      const shown = formatJson(text, out.style.format ? 2 : "keep", out.c);
      await out.write(/\n$/.test(shown) ? shown : `${shown}\n`);
      return undefined;
    }
  }
  await out.write(bytes);
  await endLine(out, bytes);
  return undefined;
}

/** Copies the rest of a body to stdout; `last` is the chunk written before (for the final newline). */
async function copy(out: Out, reader: ReadableStreamDefaultReader<Uint8Array>, last?: Uint8Array): Promise<number> {
  let size = 0;
  let tail = last;
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    size += r.value.length;
    tail = r.value;
    await out.write(r.value);
  }
  if (tail && isPretty(out.style)) await endLine(out, tail);
  return size;
}

/** Leaves the prompt on a line of its own (a terminal only). */
async function endLine(out: Out, written: Uint8Array): Promise<void> {
  if (out.isTTY && written.length > 0 && written[written.length - 1] !== 0x0a) await out.write("\n");
}

async function firstChunk(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<Uint8Array | undefined> {
  for (;;) {
    const r = await reader.read();
    if (r.done) return undefined;
    if (r.value.length > 0) return r.value;
  }
}

function looksBinary(type: string, start: Uint8Array): boolean {
  return TEXT_TYPE.test(type) ? false : BINARY_TYPE.test(type) || start.subarray(0, 8192).includes(0);
}

function looksJson(type: string, start: Uint8Array): boolean {
  return JSON_TYPE.test(type) || (type === "" && /^\s*[[{]/.test(new TextDecoder().decode(start.subarray(0, 64))));
}

/** -i: the status line and the response headers as received, then a blank line, before the body. */
export async function printHead(out: Out, res: Response): Promise<void> {
  const c = out.c;
  let text = `${c.bold(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}`)}\n`;
  res.headers.forEach((value, name) => {
    text += `${c.cyan(name)}: ${value}\n`;
  });
  await out.write(`${text}\n`);
}
