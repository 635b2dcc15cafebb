/// <reference types="node" />
/**
 * -o FILE: the body goes to a temporary file next to FILE and is renamed into place only when
 * complete, so a failed download never leaves a truncated FILE (nor destroys an older one).
 */
import { createWriteStream, statSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { isTierfetchError } from "../index.js";
import { OutputError } from "./failure.js";
import { UsageError } from "./usage-error.js";

/**
 * Where -o writes: the path itself, or, for `DIR/` (or an existing directory), the URL's file
 * name inside it, as curl's `--output-dir DIR -O`. Decided before anything is sent.
 */
export function outputPath(output: string, url: string): string {
  if (!/[/\\]$/.test(output) && !isDirectory(output)) return output;
  const segment = new URL(url).pathname.split("/").pop() ?? "";
  let name = segment;
  try {
    name = decodeURIComponent(segment);
  } catch {
    /* keep it encoded */
  }
  // A name from the network never climbs out of DIR nor hides a control character.
  name = name.replace(/[/\\\0-\x1f\x7f]/g, "_");
  if (name === "" || name === "." || name === "..") throw new UsageError(`-o ${output}: the URL has no file name to save under; give -o ${join(output, "NAME")}`);
  return join(output, name);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export async function saveBody(res: Response, path: string): Promise<number> {
  const tmp = `${path}.tierfetch-${process.pid}.part`;
  let size = 0;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    if (!res.body) return;
    for await (const chunk of res.body) {
      size += chunk.length;
      yield chunk;
    }
  }
  try {
    await pipeline(chunks(), createWriteStream(tmp));
    await rename(tmp, path);
    return size;
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => {});
    if (isTierfetchError(error) || !isFsError(error)) throw error;
    throw new OutputError(`cannot write ${path}: ${fsReason(error)}`);
  }
}

function isFsError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === "string" && typeof (error as NodeJS.ErrnoException).path === "string";
}

function fsReason(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case "ENOENT": return "no such directory";
    case "EACCES": case "EPERM": return "permission denied";
    case "EISDIR": return "it is a directory";
    case "ENOSPC": return "no space left on the device";
    default: return error.code ?? error.message;
  }
}
