#!/usr/bin/env node
// Writes the figures of one `npm run bench` run (.tmp/bench.md) into docs/benchmarks.md, between
// the markers <!-- bench-run:start --> and <!-- bench-run:end -->; the rest of the page (method,
// charts, the reading of the figures) is written by hand. Internal references in the run's
// markdown (the issue that set a target) are left out: the page is read by users.
//
// Usage: node bench/docs-section.mjs [path/to/bench.md]   (then check the reading still holds)
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PAGE = `${ROOT}docs/benchmarks.md`;
const START = "<!-- bench-run:start -->";
const END = "<!-- bench-run:end -->";

const run = readFileSync(process.argv[2] ?? `${ROOT}.tmp/bench.md`, "utf8")
  .replace(/^## Benchmarks.*\n+/, "")
  .replace(/ \(issue \d+\)/g, "")
  .replace(/ \(issues [\d, ]+\)/g, "")
  .replace(/\bissue \d+'s\b/g, "the project's")
  .trim();
const page = readFileSync(PAGE, "utf8");
const start = page.indexOf(START);
const end = page.indexOf(END);
if (start === -1 || end < start) throw new Error(`docs/benchmarks.md has no ${START} … ${END} block`);
writeFileSync(PAGE, `${page.slice(0, start + START.length)}\n${run}\n${page.slice(end)}`);
console.log(`docs/benchmarks.md: the run's figures written (${run.split("\n").length} lines)`);
