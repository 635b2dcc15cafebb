// What an app that reads only Server-Sent Events bundles of the decoders: esbuild (minified, no
// code splitting) over src/, bytes per module. sse() reads each text as a block of lines in
// place, so the line-by-line form that lines() and ndjson() use (LineSplitter's push/end) must
// not ride along: class methods do not tree-shake, so it has to live in a class sse() never
// names. An app using lines() holds it, so the check can fail.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
// @ts-expect-error a plain .mjs of the bench, without declarations
import { measure } from "../../../bench/size.mjs";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Bytes each src/ module puts into the bundle of `source`. */
async function bytesPerModule(source: string): Promise<Map<string, number>> {
  const { metafile } = await measure(source, { splitting: false, pkgDir: ROOT, alias: { tierfetch: `${ROOT}src/index.ts` } });
  const output = Object.values(metafile.outputs as Record<string, { entryPoint?: string; inputs: Record<string, { bytesInOutput: number }> }>).find((o) => o.entryPoint)!;
  return new Map(Object.entries(output.inputs).map(([file, v]) => [file.replace(/^.*?src\//, "src/"), v.bytesInOutput]));
}

describe("an sse() app's bundle", () => {
  it("holds the block splitter but not the line-by-line splitting of lines()/ndjson()", async () => {
    const sseOnly = await bytesPerModule(`import { sse } from "tierfetch"; for await (const e of sse(await fetch("/e"))) console.log(e);`);
    const withLines = await bytesPerModule(`import { sse, lines } from "tierfetch"; for await (const e of sse(await fetch("/e"))) console.log(e); console.log(lines);`);
    const splitter = "src/decode/splitter.ts";
    expect(sseOnly.get(splitter)).toBeGreaterThan(0);
    // push() and end() are a few hundred minified bytes.
    expect(withLines.get(splitter)! - sseOnly.get(splitter)!).toBeGreaterThan(200);
  }, 30_000);
});
