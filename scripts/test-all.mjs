#!/usr/bin/env node
// Runs every suite of `npm test` in order and prints one closing line:
// "N passed, N failed", totalled over every suite.
//
// Convention for a step: its output's last line matching /(\d+) passed, (\d+) failed/
// gives its counts; a step that prints no such line counts as one check, passed when it
// exits 0. A step that exits non-zero with zero failures still counts one failure.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";

mkdirSync(".tmp", { recursive: true });

/** @type {{ name: string, cmd: string }[]} */
const steps = [
  { name: "build", cmd: "npx tsup" },
  // node_modules/.bin/tsc may be either TypeScript (typescript-5.0 is installed beside it for the
  // type tests and has a tsc bin too): call the project's compiler by path.
  { name: "typecheck", cmd: "node node_modules/typescript/bin/tsc --noEmit -p tsconfig.json" },
  { name: "types (dist/*.d.ts under TypeScript 5.0 and 5.9)", cmd: "node test/types/run.mjs" },
  { name: "unit + integration (vitest)", cmd: "node scripts/run-vitest.mjs" },
  { name: "conformance (every runtime)", cmd: "node test/runtimes/run-all.mjs" },
  { name: "packaging", cmd: "node scripts/check-package.mjs" },
  // API.md up to date, README/guide links and anchors resolve, their ts/js blocks type-check.
  { name: "docs (API reference, links, code blocks)", cmd: "node scripts/check-docs.mjs" },
  { name: "size budget", cmd: "node scripts/check-size.mjs" },
  { name: "bench smoke", cmd: "node bench/run.mjs --smoke" },
  { name: "soak (small)", cmd: "node scripts/soak.mjs --small" },
];

// The pinned Node 18/22 binaries (runtimes/) are used by the conformance suite and by the CLI
// tests' per-version smoke runs: install them first (a no-op when present).
spawnSync("bash", ["scripts/install-runtimes.sh"], { stdio: "inherit" });

const only = process.env.TEST_ONLY ? new RegExp(process.env.TEST_ONLY) : null;
let passed = 0;
let failed = 0;
const rows = [];
for (const step of steps) {
  if (only && !only.test(step.name)) continue;
  const started = Date.now();
  process.stdout.write(`\n=== ${step.name}: ${step.cmd}\n`);
  const { code, counts } = await run(step.cmd);
  let p = 0;
  let f = 0;
  if (counts) {
    p = counts.passed;
    f = counts.failed;
    if (code !== 0 && f === 0) f = 1;
  } else if (code === 0) p = 1;
  else f = 1;
  passed += p;
  failed += f;
  rows.push(`${f ? "FAIL" : "ok  "} ${step.name}: ${p} passed, ${f} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
console.log("\n=== summary");
for (const r of rows) console.log(r);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

function run(cmd) {
  return new Promise((resolve) => {
    const child = spawn(cmd, { shell: true, stdio: ["ignore", "pipe", "pipe"] });
    let last = null;
    const scan = (buf) => {
      const text = buf.toString();
      for (const m of text.matchAll(/(\d+) passed, (\d+) failed/g)) last = { passed: +m[1], failed: +m[2] };
    };
    child.stdout.on("data", (b) => { process.stdout.write(b); scan(b); });
    child.stderr.on("data", (b) => { process.stderr.write(b); });
    child.on("close", (code) => resolve({ code: code ?? 1, counts: last }));
  });
}
