#!/usr/bin/env node
// Size budget, a packaging check for `npm test`: size-limit (preset-small-lib: rolldown, minify,
// gzip) measures the entries of .size-limit.json against dist/, then bench/size.mjs checks with
// esbuild that the decoders tree-shake away from the one-request app. Sizes only: nothing here
// is timed. Closing line: "N passed, N failed" (one per budget, one per tree-shake check).
//
// size-limit 14 needs Node >= 22.19 (it imports `glob` from node:fs/promises); on an older
// Node this runs it with the project's Node 22 from runtimes/ (installed by
// scripts/install-runtimes.sh when missing, as the other packaging checks do).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as fsp from "node:fs/promises";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
let passed = 0;
let failed = 0;
const report = (ok, line) => {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? "ok  " : "FAIL"} ${line}`);
};
const finish = () => {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
};

const budgets = JSON.parse(readFileSync(`${ROOT}.size-limit.json`, "utf8"));
if (!existsSync(`${ROOT}dist/index.js`)) {
  for (const b of budgets) report(false, `${b.name}: dist/index.js is missing (run \`npx tsup\`)`);
  report(false, "tree-shake check: dist/index.js is missing");
  finish();
}

const node22 = `${ROOT}runtimes/node_modules/node22/bin/node`;
if (typeof fsp.glob !== "function" && !existsSync(node22)) {
  spawnSync("bash", [`${ROOT}scripts/install-runtimes.sh`], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"], timeout: 300_000 });
}
const nodeForSizeLimit = typeof fsp.glob === "function" ? process.execPath : existsSync(node22) ? node22 : null;
if (!nodeForSizeLimit) {
  for (const b of budgets) report(false, `${b.name}: size-limit needs Node >= 22.19 and scripts/install-runtimes.sh could not install ${node22}`);
} else {
  const run = spawnSync(nodeForSizeLimit, [`${ROOT}node_modules/size-limit/bin.js`, "--json"], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: "1" },
  });
  let results;
  try {
    results = JSON.parse(run.stdout);
  } catch {
    results = { error: `${run.stdout}\n${run.stderr}`.trim() || `size-limit exited with ${run.status}` };
  }
  if (!Array.isArray(results)) {
    for (const b of budgets) report(false, `${b.name}: size-limit failed: ${results.error}`);
  } else {
    for (const b of budgets) {
      const r = results.find((x) => x.name === b.name);
      if (!r) report(false, `${b.name}: no result from size-limit`);
      else report(r.passed !== false && typeof r.size === "number", `${b.name}: ${r.size} B gzip, limit ${b.limit} (${r.sizeLimit} B)`);
    }
  }
}

try {
  const { treeShakeChecks } = await import("../bench/size.mjs");
  for (const c of await treeShakeChecks()) report(c.ok, `${c.name}: ${c.detail}`);
} catch (err) {
  report(false, `tree-shake check could not run: ${err.message}`);
}
finish();
