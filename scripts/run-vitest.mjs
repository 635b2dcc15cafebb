#!/usr/bin/env node
// Runs vitest with a JSON report and prints "N passed, N failed" for scripts/test-all.mjs.
import { spawnSync } from "node:child_process";
import { readFileSync, mkdirSync } from "node:fs";
mkdirSync(".tmp", { recursive: true });
const out = ".tmp/vitest.json";
const r = spawnSync("npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${out}`, ...process.argv.slice(2)], { stdio: "inherit" });
let passed = 0, failed = 0;
try {
  const j = JSON.parse(readFileSync(out, "utf8"));
  passed = j.numPassedTests;
  failed = j.numFailedTests + (j.numFailedTestSuites ? j.numFailedTestSuites : 0);
} catch { failed = 1; }
console.log(`vitest: ${passed} passed, ${failed} failed`);
process.exit(r.status ?? 1);
