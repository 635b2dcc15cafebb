#!/usr/bin/env node
// Runs the conformance suite (test/conformance/suite.js) against the built package in every
// runtime, one after the other, with one loopback server for all of them. Prints a table per
// runtime, then the closing line `N passed, N failed` (tests summed over runtimes; a runtime
// that cannot run counts as one failure). Writes .tmp/runtimes.json for README-table.mjs.
//
//   node test/runtimes/run-all.mjs [--only node,deno,bun,workerd,edge,chromium,firefox] [--grep re] [--smoke] [--verbose]
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startServer } from "../support/conformance-server.mjs";
import { ROOT, parseArgs, printReport, snapshotDist, brokenReport } from "./common.mjs";
import * as node from "./node.mjs";
import * as deno from "./deno.mjs";
import * as bun from "./bun.mjs";
import * as workerd from "./workerd.mjs";
import * as edge from "./edge.mjs";
import * as chromium from "./chromium.mjs";
import * as firefox from "./firefox.mjs";

const RUNNERS = [
  { id: "node18", run: (s, o) => node.run(s, o, ["node18"]) },
  { id: "node20", run: (s, o) => node.run(s, o, ["node20"]) },
  { id: "node22", run: (s, o) => node.run(s, o, ["node22"]) },
  { id: "deno", run: deno.run },
  { id: "bun", run: bun.run },
  { id: "workerd", run: workerd.run },
  { id: "edge", run: edge.run },
  { id: "chromium", run: chromium.run },
  { id: "firefox", run: firefox.run },
];

const options = parseArgs();
const selected = RUNNERS.filter((r) => !options.only || options.only.some((o) => r.id === o || (o === "node" && r.id.startsWith("node"))));
const started = Date.now();
const reports = [];

let dist = null;
try {
  if (!options.smoke) dist = await snapshotDist();
} catch (error) {
  console.log(`conformance: ${error.message}`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}

// edge-runtime runs in this process (a node:vm context): a rejection nobody handled in there
// also reaches this process. The suite's harness already reports it as a failed check, so
// here it is only noted, never allowed to end the run.
let hostUnhandled = 0;
process.on("unhandledRejection", (reason) => {
  hostUnhandled++;
  if (hostUnhandled <= 3) console.log(`note: unhandled rejection in the runner process: ${reason?.message ?? reason}`);
});

const server = await startServer({ distDir: dist?.dir });
server.dist = dist;
console.log(`conformance server: ${server.url} and ${server.altUrl}`);
for (const runner of selected) {
  let got;
  try {
    got = await runner.run(server, options);
  } catch (error) {
    got = [brokenReport(runner.id, "?", error)];
  }
  for (const report of got) {
    printReport(report);
    reports.push(report);
  }
}
await server.close();
dist?.remove();

// The table.
const rows = reports.map((r) => [r.runtime, r.version, `${r.passed}/${r.passed + r.failed}`, String(r.failed), r.skipped ? String(r.skipped) : "", `${(r.ms / 1000).toFixed(1)} s`]);
const head = ["runtime", "version", "passed", "failed", "skipped", "time"];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join("  ");
console.log(`\n${line(head)}\n${widths.map((w) => "-".repeat(w)).join("  ")}`);
for (const row of rows) console.log(line(row));

const passed = reports.reduce((n, r) => n + r.passed, 0);
const failed = reports.reduce((n, r) => n + r.failed, 0);
mkdirSync(path.join(ROOT, ".tmp"), { recursive: true });
writeFileSync(
  path.join(ROOT, ".tmp/runtimes.json"),
  JSON.stringify(
    reports.map((r) => ({
      runtime: r.runtime,
      version: r.version,
      passed: r.passed,
      failed: r.failed,
      skipped: r.skipped ?? 0,
      ms: r.ms,
      failures: (r.results ?? []).filter((x) => x.status === "failed").map((x) => ({ name: x.name, error: x.error })),
    })),
    null,
    2,
  ) + "\n",
);
console.log(`\nconformance: ${reports.length} runtime runs in ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
