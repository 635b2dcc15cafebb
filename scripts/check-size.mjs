#!/usr/bin/env node
// Size budgets for `npm test`: every row of the size table (bench/size-table.mjs) that has a
// budget is bundled from dist/ with esbuild, without and with code splitting (the same
// instrument as `npm run bench`, so the figures agree), minified and gzipped, and must stay
// within its budget. Sizes
// only: nothing here is timed. One line per check, closing with "N passed, N failed".
//
// To hold a new entry point to a budget, add a row to bench/size-table.mjs; nothing here changes.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { budgetChecks, kb, measureTable, packageSnapshot, treeShakeChecks } from "../bench/size.mjs";
import { SIZE_TABLE } from "../bench/size-table.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
let passed = 0;
let failed = 0;
const report = (ok, line) => {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? "ok  " : "FAIL"} ${line}`);
};

const budgeted = SIZE_TABLE.filter((row) => row.budget);
if (!existsSync(`${ROOT}dist/index.js`)) {
  for (const row of budgeted) report(false, `${row.name}: dist/index.js is missing (run \`npx tsup\`)`);
} else {
  const pkgDir = packageSnapshot(`${ROOT}.tmp/size-check-pkg`);
  for (const row of budgeted) {
    // One row at a time: a row that cannot be bundled (an entry point not built yet) fails alone.
    let r;
    try {
      [r] = await measureTable({ pkgDir, table: [{ ...row, base: undefined }] });
    } catch (err) {
      report(false, `${row.name}: could not be bundled: ${err.message.split("\n")[0]}`);
      continue;
    }
    for (const c of budgetChecks(r)) {
      const lazy = c.mode === "split" && r.split.lazyGzip ? ` (+ ${kb(r.split.lazyGzip)} lazy, not counted)` : "";
      const mode = c.mode === "bundle" ? "no splitting" : "code splitting";
      report(c.ok, `${r.name}, ${mode}: ${kb(c.gzip)} gzip${lazy}, budget ${kb(c.limit)}${c.ok ? "" : ` -> ${c.gzip - c.limit} B over`}`);
    }
  }
  // The features are functions an app imports (one factory, issue 20): none may be reachable
  // from the one-request app.
  for (const c of await treeShakeChecks(pkgDir)) report(c.ok, `${c.name}: ${c.detail}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
