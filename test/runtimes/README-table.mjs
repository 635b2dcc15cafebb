#!/usr/bin/env node
// Turns .tmp/runtimes.json (written by test/runtimes/run-all.mjs) into the README's markdown
// table (runtime, version, passed/total), then the list of matrix cells whose outcome differs
// by runtime, with the reason (RUNTIME_DIFFERENCES of test/conformance/suite.js).
//   node test/runtimes/README-table.mjs [path/to/runtimes.json]
import { readFileSync } from "node:fs";
import { RUNTIME_DIFFERENCES } from "../conformance/suite.js";

const file = process.argv[2] ?? ".tmp/runtimes.json";
let rows;
try {
  rows = JSON.parse(readFileSync(file, "utf8"));
} catch (error) {
  console.error(`cannot read ${file} (${error.message}): run \`node test/runtimes/run-all.mjs\` first`);
  process.exit(1);
}
const NAMES = { chromium: "Chromium", firefox: "Firefox", edge: "edge-runtime", workerd: "workerd", node: "Node", deno: "Deno", bun: "Bun" };
const cell = (s) => String(s).replace(/\|/g, "\\|");
const lines = ["| runtime | version | passed |", "|---|---|---|"];
for (const r of rows) {
  const total = r.passed + r.failed;
  lines.push(`| ${cell(r.runtime)} | ${cell(r.version)} | ${r.passed}/${total}${r.skipped ? ` (${r.skipped} skipped)` : ""} |`);
}
lines.push("", "Cells that differ by runtime (each asserted as stated):", "", "| cell | where | outcome there | why |", "|---|---|---|---|");
for (const d of RUNTIME_DIFFERENCES) {
  lines.push(`| ${cell(d.cell)} | ${d.runtimes.map((r) => NAMES[r] ?? r).join(", ")} | ${cell(d.outcome)} | ${cell(d.reason)} |`);
}
console.log(lines.join("\n"));
