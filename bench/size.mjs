// Size bench: min+gzip of the apps in the size table (bench/size-table.mjs), each bundled by
// esbuild two ways:
// - bundle: no code splitting, as wrangler, Deno and single-file builds do (an `import()` is
//   inlined, so a lazy chunk costs its full size);
// - split: code splitting, as a browser app bundler does (chunks reached only through
//   `import()` are "lazy": listed apart, not counted as initial).
// Minify, platform browser, ESM, target es2022, gzip level 9, 1 KB = 1000 B. A feature row's
// marginal cost is its app minus its base app (split: counting the lazy chunks the feature loads).
// Also checks that the features (readers, paginate, upload, schema) tree-shake away from the one-request app, and attributes the
// one-request app's bytes to tierfetch's src/ modules.
//
// "tierfetch" resolves to a snapshot of the package (package.json + dist/) through its "exports",
// so subpath entry points resolve as an app's bundler would resolve them.
//
// Run alone: node bench/size.mjs
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import { FEATURE_MODULES, SIZE_TABLE } from "./size-table.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const APPS = `${ROOT}bench/size-apps/`;
/** What an app imports on purpose: none of it may be in a bundle that does not import it. */
export const FEATURES = ["lines", "ndjson", "sse", "paginate", "trackUpload", "validateJson"];
/** Below this many added bytes a feature was in the app already (each one is far larger). */
const PRESENT_BELOW = 40;

const version = (pkg) => JSON.parse(readFileSync(`${ROOT}node_modules/${pkg}/package.json`, "utf8")).version;

/**
 * Copies the package as published (package.json + dist/, without the CLI) to
 * `<dir>/node_modules/tierfetch`, under a package scope of its own, so that apps bundled from
 * `<dir>` resolve "tierfetch" (and "tierfetch/<entry>") to that copy and the peers to the
 * project's node_modules. Returns `dir`. A rebuild of dist/ after this cannot change what is measured.
 */
export function packageSnapshot(dir = `${ROOT}.tmp/size-pkg`) {
  const pkg = `${dir}/node_modules/tierfetch`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(`${pkg}/dist`, { recursive: true });
  copyFileSync(`${ROOT}package.json`, `${pkg}/package.json`);
  const files = readdirSync(`${ROOT}dist`).filter((f) => f !== "cli.js");
  if (!files.includes("index.js")) throw new Error("dist/index.js is missing: run `npx tsup` first");
  for (const f of files) copyFileSync(`${ROOT}dist/${f}`, `${pkg}/dist/${f}`);
  writeFileSync(`${dir}/package.json`, JSON.stringify({ name: "tierfetch-size-probe", private: true, type: "module" }));
  return dir;
}

/** The snapshot to measure: $TIERFETCH_PKG (made by bench/run.mjs) or a fresh one. */
export const defaultPackageDir = () => process.env.TIERFETCH_PKG ?? packageSnapshot();

/** The app source of a table row (or of a file in bench/size-apps/). */
const sourceOf = (row) => row.code ?? readFileSync(`${APPS}${row.app}`, "utf8");

/**
 * Bundles one app source and measures it. `pkgDir`: where "tierfetch" resolves (see
 * packageSnapshot); `alias` replaces that (e.g. src/ for the attribution); `conditions`: extra
 * export conditions (esbuild's platform "browser" resolves the package's browser build).
 * @returns {Promise<{ min: number, gzip: number, lazyMin: number, lazyGzip: number, metafile: object }>}
 *   min/gzip: what loads first (every output when not splitting); lazy*: chunks reached only through import()
 */
export async function measure(source, { splitting, pkgDir, alias, conditions }) {
  const result = await esbuild.build({
    stdin: { contents: source, resolveDir: pkgDir, sourcefile: "app.js" },
    bundle: true,
    splitting,
    outdir: `${ROOT}.tmp/size-out`,
    minify: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    write: false,
    metafile: true,
    logLevel: "silent",
    absWorkingDir: ROOT,
    nodePaths: [`${ROOT}node_modules`],
    ...(alias ? { alias } : {}),
    // Extra export conditions before esbuild's own (browser, import, default): ["workerd"] measures the build wrangler bundles.
    ...(conditions ? { conditions } : {}),
  }).catch((err) => {
    throw new Error(err.errors?.length ? err.errors.map((e) => e.text).join("; ") : err.message);
  });
  const outputs = result.metafile.outputs;
  const entryOut = Object.keys(outputs).find((k) => outputs[k].entryPoint);
  const initial = new Set();
  const visit = (file) => {
    if (initial.has(file)) return;
    initial.add(file);
    for (const i of outputs[file].imports) if (i.kind === "import-statement" && outputs[i.path]) visit(i.path);
  };
  visit(entryOut);
  const out = { min: 0, gzip: 0, lazyMin: 0, lazyGzip: 0, metafile: result.metafile };
  for (const f of result.outputFiles) {
    const file = f.path.slice(ROOT.length);
    if (!file.endsWith(".js")) continue;
    const gz = gzipSync(f.contents, { level: 9 }).length;
    if (initial.has(file)) {
      out.min += f.contents.length;
      out.gzip += gz;
    } else {
      out.lazyMin += f.contents.length;
      out.lazyGzip += gz;
    }
  }
  return out;
}

/**
 * Every row of the size table, measured both ways.
 * @returns {Promise<{ name: string, row: object, bundle: object, split: object, marginal?: { bundle: number, split: number } }[]>}
 *   marginal: gzip bytes a feature adds to its base (split: initial + lazy of the feature app minus the base's initial)
 */
export async function measureTable({ pkgDir = defaultPackageDir(), table = SIZE_TABLE } = {}) {
  const rows = [];
  for (const row of table) {
    const source = sourceOf(row);
    const bundle = await measure(source, { splitting: false, pkgDir, conditions: row.conditions });
    const split = await measure(source, { splitting: true, pkgDir, conditions: row.conditions });
    const name = row.peer ? `${row.peer} ${version(row.peer)}` : row.name;
    rows.push({ name, row, bundle, split });
  }
  for (const r of rows) {
    if (!r.row.base) continue;
    const base = rows.find((b) => b.row.name === r.row.base);
    if (!base) throw new Error(`size table: row "${r.row.name}" has base "${r.row.base}", which is no row`);
    r.marginal = { bundle: r.bundle.gzip - base.bundle.gzip, split: r.split.gzip + r.split.lazyGzip - base.split.gzip };
  }
  return rows;
}

/** Budget verdicts of one measured row: `[{ mode, gzip, limit, ok }]` (none for a row without budget). */
export function budgetChecks(r) {
  if (!r.row.budget) return [];
  return ["bundle", "split"]
    .filter((mode) => typeof r.row.budget[mode] === "number")
    .map((mode) => ({ mode, gzip: r[mode].gzip, limit: r.row.budget[mode], ok: r[mode].gzip <= r.row.budget[mode] }));
}

/**
 * Bytes (minified, split build) that each feature adds to the one-request app when referenced,
 * beyond what referencing an export the app already holds costs: about 0 means it was bundled
 * already, hundreds means it had been shaken away.
 */
export async function featureCost(pkgDir) {
  const app = readFileSync(`${APPS}one-request.js`, "utf8");
  const probe = async (name) => (await measure(`${app}\nimport { ${name} as __probe } from "tierfetch";\nconsole.log(__probe);\n`, { splitting: true, pkgDir })).min;
  const reference = await probe("createClient");
  const out = {};
  for (const d of FEATURES) out[d] = (await probe(d)) - reference;
  return out;
}

/** Tree-shake checks, each `{ name, ok, detail }`: the one-request app holds none of the features. */
export async function treeShakeChecks(pkgDir = defaultPackageDir()) {
  const cost = await featureCost(pkgDir);
  const kept = FEATURES.filter((d) => cost[d] < PRESENT_BELOW);
  return [
    {
      name: "features tree-shake away from the one-request app",
      ok: kept.length === 0,
      detail:
        FEATURES.map((d) => `referencing ${d} adds ${cost[d]} B`).join(", ") +
        (kept.length ? ` -> already bundled without being used: ${kept.join(", ")}` : " -> none bundled until used"),
    },
  ];
}

/** Per-module bytes (minified, before gzip, no splitting) of the one-request app bundled from src/. */
export async function attribution() {
  const { metafile, min } = await measure(readFileSync(`${APPS}one-request.js`, "utf8"), {
    splitting: false,
    pkgDir: APPS,
    alias: { tierfetch: `${ROOT}src/index.ts` },
  });
  const inputs = Object.values(metafile.outputs).find((o) => o.entryPoint).inputs;
  const rows = Object.entries(inputs)
    .map(([file, v]) => ({ file: file.replace(/^.*?src\//, "src/"), bytes: v.bytesInOutput }))
    .filter((r) => r.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  return { min, rows };
}

/**
 * Gzip bytes each module (and each feature of FEATURE_MODULES) costs an app (default: the createClient one-request app) bundled
 * from src/ without splitting: the app is bundled unminified (esbuild marks every module's start
 * with a `// path` line), the module's lines are cut out, and the rest is minified and gzipped;
 * the cost is the whole app's gzip minus that. Cutting leaves dangling names, which minification
 * does not mind: it is a measure of bytes, not a build.
 * @returns {Promise<{ total: number, modules: { file: string, gzip: number }[], features: { feature: string, gzip: number }[] }>}
 */
export async function moduleCosts(app = "one-request.js") {
  const built = await esbuild.build({
    stdin: { contents: readFileSync(`${APPS}${app}`, "utf8"), resolveDir: APPS, sourcefile: "app.js" },
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    alias: { tierfetch: `${ROOT}src/index.ts` },
    logLevel: "silent",
  });
  const segments = [];
  for (const line of built.outputFiles[0].text.split("\n")) {
    const m = /^\/\/ ((?:src|bench|node_modules)\/\S+)$/.exec(line);
    if (m || !segments.length) segments.push({ file: m ? m[1] : "(prelude)", lines: [] });
    segments[segments.length - 1].lines.push(line);
  }
  const gz = async (parts) => gzipSync((await esbuild.transform(parts.map((p) => p.lines.join("\n")).join("\n"), { minify: true, format: "esm", target: "es2022" })).code, { level: 9 }).length;
  const total = await gz(segments);
  const without = async (pred) => total - (await gz(segments.filter((p) => !pred(p.file))));
  const modules = [];
  for (const p of segments) if (p.file.startsWith("src/")) modules.push({ file: p.file, gzip: await without((f) => f === p.file) });
  modules.sort((a, b) => b.gzip - a.gzip);
  const features = [];
  for (const { feature, modules: list } of FEATURE_MODULES) {
    features.push({ feature, gzip: await without((f) => list.some((m) => (m.endsWith("/") ? f.startsWith(m) : f === m))) });
  }
  const all = FEATURE_MODULES.flatMap((f) => f.modules);
  features.push({ feature: "all of the above together", gzip: await without((f) => all.some((m) => (m.endsWith("/") ? f.startsWith(m) : f === m))) });
  return { total, modules, features };
}

/** @returns {Promise<{ rows: object[], checks: object[], attribution?: object }>} */
export async function benchSize({ smoke = false } = {}) {
  const pkgDir = defaultPackageDir();
  const table = smoke ? SIZE_TABLE.slice(0, 1) : SIZE_TABLE;
  const rows = await measureTable({ pkgDir, table });
  const checks = smoke ? [] : await treeShakeChecks(pkgDir);
  let attr;
  let costs;
  if (!smoke) {
    try {
      attr = await attribution();
      costs = await moduleCosts();
    } catch {
      attr = costs = undefined; // src/ mid-edit: attribution is a nicety, the sizes above come from dist/
    }
  }
  return { rows, checks, attribution: attr, moduleCosts: costs };
}

export const kb = (bytes) => `${(bytes / 1000).toFixed(2)} KB`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { rows, checks, attribution: attr, moduleCosts: costs } = await benchSize();
  console.log(`${"".padEnd(38)} ${"bundle (no splitting)".padEnd(26)} split (initial + lazy)`);
  for (const r of rows) {
    const b = `${kb(r.bundle.gzip)} (${kb(r.bundle.min)} min)`;
    const s = `${kb(r.split.gzip)}${r.split.lazyGzip ? ` + ${kb(r.split.lazyGzip)} lazy` : ""}`;
    const m = r.marginal ? `  adds ${r.marginal.bundle} B bundle, ${r.marginal.split} B split` : "";
    const budget = budgetChecks(r).map((c) => `${c.mode} ≤ ${c.limit} ${c.ok ? "ok" : "OVER"}`).join(", ");
    console.log(`${r.name.padEnd(38)} ${b.padEnd(26)} ${s.padEnd(24)}${m}${budget ? `  [${budget}]` : ""}`);
  }
  for (const c of checks) console.log(`${c.ok ? "ok  " : "FAIL"} ${c.name}: ${c.detail}`);
  if (attr) {
    console.log(`\none-request app from src/ (${attr.min} B min, no splitting), bytes per module:`);
    for (const r of attr.rows) console.log(`  ${String(r.bytes).padStart(6)}  ${r.file}`);
  }
  if (costs) {
    console.log(`\none-request app from src/ (${costs.total} B gzip, no splitting), gzip bytes it would lose without:`);
    for (const f of costs.features) console.log(`  ${String(f.gzip).padStart(6)}  ${f.feature}`);
    for (const m of costs.modules) console.log(`  ${String(m.gzip).padStart(6)}  ${m.file}`);
  }
}
