#!/usr/bin/env node
// Type tests of the published declarations, as a consumer compiles them: tsc over
// test/types/uses.ts (uses, and `@ts-expect-error` cases) importing "tierfetch" from a consumer
// project whose node_modules/tierfetch is this package (so `exports` picks dist/index.d.ts or
// dist/index.d.cts). Run `npx tsup` first.
//
// Matrix: the oldest TypeScript we claim (5.0) and the newest that runs here (5.9) ×
// moduleResolution bundler and node16 (node16 as ESM, .mts, and as CJS, .cts), strict (and
// exactOptionalPropertyTypes, noUncheckedIndexedAccess), skipLibCheck false, lib es2022 + dom, no @types. With lib esnext.disposable added (5.2+),
// test/types/dispose.ts checks `await using`. Prints one line per cell, then `N passed, N failed`.
//
//   node test/types/run.mjs [--only 5.0|5.9]
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const HERE = path.join(ROOT, "test/types");
const TMP = path.join(ROOT, ".tmp/types");

const COMPILERS = [
  { id: "5.0", pkg: "typescript-5.0", oldest: true },
  { id: "5.9", pkg: "typescript" },
];
// The strictest settings a consumer may use, so the declarations hold under every one of them.
const BASE = {
  strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, noPropertyAccessFromIndexSignature: true,
  skipLibCheck: false, noEmit: true, target: "ES2022", types: [], lib: ["ES2022", "DOM"],
};
const CELLS = [
  { name: "bundler", files: { "uses.ts": "uses.ts" }, options: { module: "ESNext", moduleResolution: "Bundler" } },
  { name: "node16 (ESM .mts and CJS .cts)", files: { "uses.mts": "uses.ts", "uses.cts": "uses.ts" }, options: { module: "Node16", moduleResolution: "Node16" } },
  // `await using` needs TypeScript 5.2 and the esnext.disposable lib.
  { name: "bundler + esnext.disposable: await using", minor: 2, files: { "dispose.ts": "dispose.ts" }, options: { module: "ESNext", moduleResolution: "Bundler", lib: ["ES2022", "DOM", "ESNext.Disposable"] } },
  { name: "node16 + esnext.disposable: await using", minor: 2, files: { "dispose.mts": "dispose.ts", "dispose.cts": "dispose.ts" }, options: { module: "Node16", moduleResolution: "Node16", lib: ["ES2022", "DOM", "ESNext.Disposable"] } },
];

const onlyAt = process.argv.indexOf("--only");
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : null;

let passed = 0;
let failed = 0;
const missingDist = ["dist/index.d.ts", "dist/index.d.cts"].filter((f) => !existsSync(path.join(ROOT, f)));
if (missingDist.length) {
  console.log(`FAIL types: ${missingDist.join(", ")} missing: run \`npx tsup\``);
  console.log("0 passed, 1 failed");
  process.exit(1);
}

rmSync(TMP, { recursive: true, force: true });
for (const compiler of COMPILERS) {
  if (only && compiler.id !== only) continue;
  const tsc = path.join(ROOT, "node_modules", compiler.pkg, "bin/tsc");
  if (!existsSync(tsc)) {
    failed++;
    console.log(`FAIL TypeScript ${compiler.id}: node_modules/${compiler.pkg} is missing (npm install)`);
    continue;
  }
  const version = JSON.parse(readFileSync(path.join(ROOT, "node_modules", compiler.pkg, "package.json"), "utf8")).version;
  const minor = Number(version.split(".")[1]);
  for (const cell of CELLS) {
    if (cell.minor !== undefined && minor < cell.minor) continue;
    const label = `TypeScript ${version}${compiler.oldest ? " (oldest supported)" : ""}, ${cell.name}`;
    const dir = path.join(TMP, `${compiler.id}-${Object.keys(cell.files)[0].replace(/\W/g, "-")}`);
    mkdirSync(path.join(dir, "node_modules"), { recursive: true });
    // The consumer sees this package through node_modules, resolved by its `exports`.
    symlinkSync(ROOT, path.join(dir, "node_modules/tierfetch"), "dir");
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "tierfetch-types-consumer", private: true }) + "\n");
    for (const [target, source] of Object.entries(cell.files)) copyFileSync(path.join(HERE, source), path.join(dir, target));
    const compilerOptions = { ...BASE, ...cell.options };
    writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, files: Object.keys(cell.files) }, null, 2) + "\n");
    const started = Date.now();
    const r = spawnSync(process.execPath, [tsc, "-p", dir, "--pretty", "false"], { cwd: dir, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
    const out = `${r.stdout}${r.stderr}`.trim();
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (r.status === 0 && !out) {
      passed++;
      console.log(`ok   ${label} (${seconds} s)`);
    } else {
      failed++;
      // Paths shown relative to the consumer, and the copied test file named as its source.
      const shown = out.split("\n").slice(0, 40).map((l) => l.replace(/^(uses|dispose)\.[mc]?ts/, (_, n) => `test/types/${n}.ts (as ${l.split("(")[0]})`)).join("\n     ");
      console.log(`FAIL ${label} (${seconds} s)\n     ${shown}`);
    }
  }
}
console.log(`types: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
