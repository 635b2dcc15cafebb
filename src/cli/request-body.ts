/// <reference types="node" />
/** Reads the request body given by --json, -d (inline text, @file or @- for stdin) or name=value items. */
import { readFile } from "node:fs/promises";
import type { BodySource } from "./args.js";
import { concatBytes } from "./concat-bytes.js";
import { fieldsToJson, type FieldItem } from "./items.js";
import { UsageError } from "./usage-error.js";

export interface LoadedBody {
  body: string | Uint8Array;
  /** Content-Type to send unless the user set one. */
  contentType: string | undefined;
}

/** curl -d: several values are joined with "&", as a form. */
const FORM = "application/x-www-form-urlencoded";

export async function loadBody(source: BodySource | undefined, stdin: NodeJS.ReadableStream): Promise<LoadedBody | undefined> {
  if (!source) return undefined;
  if (source.kind === "fields") return { body: fieldsToJson(await Promise.all(source.fields.map((f) => fieldJson(f, stdin)))), contentType: "application/json" };
  if (source.kind === "data") {
    // Each value byte for byte (no newline stripping, unlike curl's -d @file), labelled as a
    // form as curl does unless -H sets a Content-Type.
    const parts: Uint8Array[] = [];
    for (const value of source.values) parts.push(value.startsWith("@") ? await readSource("-d", value, stdin) : new TextEncoder().encode(value));
    const amp = new TextEncoder().encode("&");
    return { body: concatBytes(parts.flatMap((p, i) => (i === 0 ? [p] : [amp, p]))), contentType: FORM };
  }
  const text = source.value.startsWith("@") ? new TextDecoder("utf-8", { fatal: false }).decode(await readSource("--json", source.value, stdin)) : source.value;
  try {
    JSON.parse(text);
  } catch (error) {
    const where = source.value === "@-" ? " on stdin" : source.value.startsWith("@") ? ` in ${source.value.slice(1)}` : "";
    throw new UsageError(`--json: not valid JSON${where} (${(error as Error).message})`);
  }
  // The text as typed, not JSON.stringify(JSON.parse(text)): big numbers keep every digit.
  return { body: text, contentType: "application/json" };
}

/** A field's JSON text; `name=@file` is the file as a string, `name:=@file` the file's JSON. */
async function fieldJson(field: FieldItem, stdin: NodeJS.ReadableStream): Promise<{ name: string; json: string }> {
  if (field.kind === "field") return field;
  const sep = field.as === "string" ? "=@" : ":=@";
  const text = new TextDecoder().decode(await readSource(`${field.name}${sep}`, `@${field.path}`, stdin));
  if (field.as === "string") return { name: field.name, json: JSON.stringify(text) };
  try {
    JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${field.name}${sep}${field.path}: not valid JSON in the file (${(error as Error).message})`);
  }
  return { name: field.name, json: text.trim() };
}

/** `@-` (stdin) or `@file`. */
async function readSource(flag: string, value: string, stdin: NodeJS.ReadableStream): Promise<Uint8Array> {
  if (value === "@-") return readAll(stdin);
  const path = value.slice(1);
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : code === "EACCES" ? "permission denied" : (error as Error).message;
    throw new UsageError(`${flag}${flag.endsWith("@") ? "" : " @"}${path}: cannot read the file (${why})`);
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? new TextEncoder().encode(chunk) : (chunk as Uint8Array));
  return concatBytes(chunks);
}
