#!/usr/bin/env node
// Writes the README's "Benchmarks" section from one `npm run bench` run (.tmp/bench.md): the
// intro below, then the run's tables and notes as they are, then bench/readme-summary.md (the
// reading of that run, written by hand). Only that section of README.md changes.
//
// Usage: node bench/readme-section.mjs [path/to/bench.md]
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const run = readFileSync(process.argv[2] ?? `${ROOT}.tmp/bench.md`, "utf8").replace(/^## Benchmarks.*\n+/, "").trim();
const intro = `\`npm run bench\` (≈ 4–5 min on 2 cores) measures, in one run, under Node 20 and the pinned Node 22
(runtimes/, installed by scripts/install-runtimes.sh when missing), every target of issue 14 against
baselines measured in the same run, and states each met or not; the markdown is written to
\`.tmp/bench.md\`. Each library runs in a process of its own, as in a user's process (its own heap, GC
and pretenuring state; no forced GC), the libraries' slices interleaved one at a time over several
rounds; speed figures are CPU time per request and ratios are medians of per-round ratios. The
**floor** is raw \`fetch\` + one \`AbortController\` + one timer per request: the least a client that
enforces a per-attempt timeout can do. \`npm test\` runs \`npm run bench -- --smoke\` (it runs, no
figure means anything) and holds every row of the size table (bench/size-table.mjs: one row per app
or entry point) to its budget (scripts/check-size.mjs, same esbuild measure as here). For the
per-request diagnosis: \`node bench/profile.mjs\` (CPU profile by src/ line, GC and pretenuring, both
Nodes), \`node bench/experiments.mjs --both\` (each suspect removed in a patched copy of src/, A/B),
\`node bench/micro.mjs\`.

Figures from one run on the project's 2-core machine, shared with other work (see the load average:
loopback ratios moved by ±15 % between runs; in-memory ratios by less):`;
const summary = readFileSync(`${ROOT}bench/readme-summary.md`, "utf8").trim();
const section = `## Benchmarks\n${intro}\n\n${run}\n\n${summary}\n\n`;

const readme = readFileSync(`${ROOT}README.md`, "utf8");
const start = readme.indexOf("## Benchmarks\n");
const end = readme.indexOf("\n## ", start + 1);
if (start === -1 || end === -1) throw new Error("README.md has no \"## Benchmarks\" section followed by another");
writeFileSync(`${ROOT}README.md`, readme.slice(0, start) + section + readme.slice(end + 1));
console.log(`README.md: Benchmarks section written (${section.split("\n").length} lines)`);
