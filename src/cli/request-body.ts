/// <reference types="node" />
/** Reads the request body given by --json or --data: inline text, @file or @- (stdin). */
import { readFile } from "node:fs/promises";
import { UsageError, type BodySource } from "./args.js";

export interface LoadedBody {
  body: string | Uint8Array;
  /** Content-Type to send unless the user set one. */
  contentType: string | undefined;
}

export async function loadBody(source: BodySource | undefined, stdin: NodeJS.ReadableStream): Promise<LoadedBody | undefined> {
  if (!source) return undefined;
  const flag = `--${source.kind}`;
  let bytes: Uint8Array | undefined;
  if (source.value === "@-") bytes = await readAll(stdin);
  else if (source.value.startsWith("@")) {
    const path = source.value.slice(1);
    try {
      bytes = await readFile(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : code === "EACCES" ? "permission denied" : (error as Error).message;
      throw new UsageError(`${flag} @${path}: cannot read the file (${why})`);
    }
  }
  if (source.kind === "data") {
    // Sent byte for byte; fetch labels a string text/plain, bytes get no Content-Type.
    return { body: bytes ?? source.value, contentType: undefined };
  }
  const text = bytes ? new TextDecoder("utf-8", { fatal: false }).decode(bytes) : source.value;
  try {
    JSON.parse(text);
  } catch (error) {
    const where = source.value === "@-" ? " on stdin" : source.value.startsWith("@") ? ` in ${source.value.slice(1)}` : "";
    throw new UsageError(`${flag}: not valid JSON${where} (${(error as Error).message})`);
  }
  // The text as typed, not JSON.stringify(JSON.parse(text)): big numbers keep every digit.
  return { body: text, contentType: "application/json" };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? new TextEncoder().encode(chunk) : (chunk as Uint8Array));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
