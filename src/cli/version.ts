/// <reference types="node" />
/** The package version, read once from package.json next to dist/ (npm always packs it). */
import { readFileSync } from "node:fs";

let cached: string | undefined;

export function version(): string {
  if (cached === undefined) {
    try {
      // dist/cli.js → ../package.json
      cached = String(JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version);
    } catch {
      cached = "unknown";
    }
  }
  return cached;
}
