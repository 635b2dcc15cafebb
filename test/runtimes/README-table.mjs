#!/usr/bin/env node
// Turns .tmp/runtimes.json (written by test/runtimes/run-all.mjs) into a markdown table for
// the README: runtime, version, passed/total.
//   node test/runtimes/README-table.mjs [path/to/runtimes.json]
import { readFileSync } from "node:fs";

const file = process.argv[2] ?? ".tmp/runtimes.json";
let rows;
try {
  rows = JSON.parse(readFileSync(file, "utf8"));
} catch (error) {
  console.error(`cannot read ${file} (${error.message}): run \`node test/runtimes/run-all.mjs\` first`);
  process.exit(1);
}
const cell = (s) => String(s).replace(/\|/g, "\\|");
const lines = ["| runtime | version | passed |", "|---|---|---|"];
for (const r of rows) {
  const total = r.passed + r.failed;
  lines.push(`| ${cell(r.runtime)} | ${cell(r.version)} | ${r.passed}/${total}${r.skipped ? ` (${r.skipped} skipped)` : ""} |`);
}
console.log(lines.join("\n"));
