/// <reference types="node" />
/**
 * The response body on stdout: a buffered body (JSON pretty-printed, text as is, binary kept
 * off a terminal), and the streamed modes, each item written (and flushed) as it arrives.
 */
import { once } from "node:events";
import { lines, sse } from "../index.js";
import type { Colors } from "./colors.js";
import { formatJson, isJson } from "./json-format.js";

/** stdout with backpressure: resolves once the chunk is handed to the OS or buffered under the mark. */
export class Out {
  constructor(
    readonly stream: NodeJS.WriteStream,
    readonly c: Colors,
  ) {}

  get isTTY(): boolean {
    return this.stream.isTTY === true;
  }

  async write(chunk: string | Uint8Array): Promise<void> {
    if (!this.stream.write(chunk)) await once(this.stream, "drain");
  }
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)|^[\w.+-]+\/[\w.+-]+\+json\s*(?:;|$)/i;
const TEXT_TYPE = /^text\/|[+/](?:json|xml|yaml|x-ndjson|ndjson|jsonl|javascript|ecmascript|csv)\s*(?:;|$)|x-www-form-urlencoded/i;
const BINARY_TYPE = /^(?:image|audio|video|font)\/|^application\/(?:octet-stream|zip|gzip|x-gzip|x-tar|x-bzip2|zstd|pdf|wasm|x-protobuf|protobuf|msgpack|x-msgpack)\s*(?:;|$)/i;

/** Prints a whole body. Returns a note for stderr when the body was kept off the terminal. */
export async function printBody(out: Out, bytes: Uint8Array, contentType: string | null, raw: boolean): Promise<string | undefined> {
  if (bytes.length === 0) return undefined;
  const type = (contentType ?? "").trim();
  const looksBinary = TEXT_TYPE.test(type) ? false : BINARY_TYPE.test(type) || hasNul(bytes);
  if (looksBinary) {
    if (out.isTTY) return `binary body (${bytes.length} bytes) not shown on the terminal; use -o FILE or a pipe`;
    await out.write(bytes);
    return undefined;
  }
  if (!raw && (JSON_TYPE.test(type) || (type === "" && /^\s*[[{]/.test(peek(bytes))))) {
    const text = new TextDecoder().decode(bytes);
    if (isJson(text)) {
      await out.write(`${formatJson(text, 2, out.c)}\n`);
      return undefined;
    }
  }
  await out.write(bytes);
  // Leave the prompt on a line of its own.
  if (out.isTTY && bytes[bytes.length - 1] !== 0x0a) await out.write("\n");
  return undefined;
}

export async function printLines(out: Out, res: Response): Promise<number> {
  let count = 0;
  for await (const line of lines(res)) {
    await out.write(`${line}\n`);
    count++;
  }
  return count;
}

/**
 * NDJSON, one compact value per line. Each line is checked with JSON.parse but printed from
 * its own text, so numbers beyond 2^53 keep every digit.
 */
export async function printNdjson(out: Out, res: Response): Promise<number> {
  let lineNo = 0;
  let count = 0;
  for await (const line of lines(res)) {
    lineNo++;
    if (line.trim() === "") continue;
    try {
      JSON.parse(line);
    } catch (error) {
      throw new SyntaxError(`NDJSON line ${lineNo} is not valid JSON (${(error as Error).message})`);
    }
    await out.write(`${formatJson(line, 0, out.c)}\n`);
    count++;
  }
  return count;
}

/** Server-Sent Events as one JSON object per line: {"event":"message","id":"7","data":"..."}. */
export async function printSse(out: Out, res: Response): Promise<number> {
  let count = 0;
  for await (const ev of sse(res)) {
    const item: Record<string, unknown> = { event: ev.event };
    if (ev.id) item.id = ev.id;
    if (ev.retry !== undefined) item.retry = ev.retry;
    item.data = ev.data;
    await out.write(`${formatJson(JSON.stringify(item), 0, out.c)}\n`);
    count++;
  }
  return count;
}

function hasNul(bytes: Uint8Array): boolean {
  return bytes.subarray(0, 8192).includes(0);
}

function peek(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes.subarray(0, 64));
}
