#!/usr/bin/env node
// Where tierfetch's per-request time goes, under Node 20 and the pinned Node 22: the in-memory
// request of bench/overhead.mjs, for tierfetch built from src/ (esbuild, not minified, with a
// source map, so every hot spot is named by src/file.ts:line) beside the floor and ofetch.
//
// For each Node and library, in separate processes:
// 1. rate: CPU µs/request, GC pause µs/request, full GCs per 1k requests (no profiler attached),
//    alternated A/B with `--no-allocation-site-pretenuring` (what V8's pretenuring costs);
// 2. allocation-site pretenuring: the last `--trace-pretenuring-statistics` summary (sites
//    tenured, of sites visited);
// 3. a CPU profile (inspector, 250 µs sampling) of the measured slice only: self time by
//    function and src line, scaled to the unprofiled CPU µs/request of (1).
// Prints markdown and writes it to .tmp/profile.md; the raw .cpuprofile files stay in .tmp/prof/
// (open them in Chrome DevTools or speedscope).
//
// Usage: node bench/profile.mjs [--seconds N] [--rounds N] [--top N] [--smoke]
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as esbuild from "esbuild";
import { median } from "./overhead.mjs";
import { nodeBinaries } from "./nodes.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT = `${ROOT}.tmp/prof`;
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const smoke = process.argv.includes("--smoke");
const SECONDS = arg("--seconds", smoke ? 0.3 : 3);
const ROUNDS = arg("--rounds", smoke ? 1 : 3);
const TOP = arg("--top", 22);
const LIBS = ["floor", "tierfetch", "ofetch"];

/** tierfetch from src/, one unminified ESM file with an external source map. */
async function buildFromSource() {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const outfile = `${OUT}/tierfetch-src.mjs`;
  await esbuild.build({
    entryPoints: [`${ROOT}src/index.ts`],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    sourcemap: "external",
    outfile,
    logLevel: "warning",
  });
  return outfile;
}

/** Runs the overhead bench's --profile mode; resolves with its JSON line. */
function profileRun(bin, lib, { entry, flags = [], extra = [] }) {
  return new Promise((resolve, reject) => {
    const args = [...flags, `${ROOT}bench/overhead.mjs`, "--profile", lib, String(SECONDS), ...extra];
    const child = spawn(bin, args, { cwd: ROOT, env: { ...process.env, TIERFETCH_ENTRY: entry }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const json = out.trim().split("\n").reverse().find((l) => l.startsWith("{"));
      if (code !== 0 || !json) return reject(new Error(`${bin} ${args.join(" ")}: exit ${code}\n${err.slice(-500)}`));
      resolve({ ...JSON.parse(json), stdout: out });
    });
  });
}

/** CPU µs, GC µs and full GCs per request of one run. */
const perRequest = (r) => ({ cpuUs: 1e6 / r.cpu, gcUs: (r.gcMs * 1000) / r.made, majorPer1k: (r.major * 1000) / r.made });

/** The last pretenuring summary line of a --trace-pretenuring-statistics run, and the most sites tenured at once. */
function pretenuring(stdout) {
  // Node 22 prints "pretenuring: threshold=… visited_sites=…", Node 20 "pretenuring: deopt_maybe_tenured=… visited_sites=…".
  const lines = stdout.split("\n").filter((l) => /pretenuring: .*visited_sites=/.test(l));
  const field = (l, k) => Number(new RegExp(`\\b${k}=(\\d+)`).exec(l)?.[1] ?? 0);
  return {
    summaries: lines.length,
    maxTenured: Math.max(0, ...lines.map((l) => field(l, "tenured"))),
    maxVisited: Math.max(0, ...lines.map((l) => field(l, "visited_sites"))),
    last: lines.length ? lines[lines.length - 1].replace(/^.*pretenuring: /, "") : "none printed",
  };
}

/** Self time per frame of a .cpuprofile, in µs, with src locations through the source map. */
function selfTimes(profile, map, bundleUrl) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Samples of the profiler's own stop (the inspector session) are not the request's.
  const harness = new Set();
  const mark = (n, inside) => {
    const here = inside || n.callFrame.url === "node:inspector";
    if (here) harness.add(n.id);
    for (const c of n.children ?? []) mark(byId.get(c), here);
  };
  mark(profile.nodes[0], false);
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    if (harness.has(id)) continue;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const rows = new Map();
  for (const [id, us] of self) {
    const { callFrame: f } = byId.get(id);
    let where = f.url ? `${f.url.replace(/^file:\/\/.*\/(node_modules\/|bench\/)/, "$1")}:${f.lineNumber + 1}` : "";
    let group = f.url
      ? f.url.startsWith("node:")
        ? "node internals (promises, timers, AbortController, webstreams)"
        : /node_modules/.test(f.url)
          ? "peer library"
          : "bench harness"
      : /^\(/.test(f.functionName)
        ? f.functionName
        : "V8 builtins / natives (JSON.parse, regexps...)";
    if (f.url === bundleUrl) {
      const e = map.findEntry(f.lineNumber, f.columnNumber);
      const src = e?.originalSource ? e.originalSource.replace(/^.*?src\//, "src/") : "src/?";
      where = `${src}:${(e?.originalLine ?? 0) + 1}`;
      group = src;
    }
    if (/undici/.test(f.url)) group = "undici (fetch, Response)";
    const key = `${f.functionName || "(anonymous)"} ${where}`;
    const r = rows.get(key) ?? { fn: f.functionName || "(anonymous)", where, group, us: 0 };
    r.us += us;
    rows.set(key, r);
  }
  return { total, rows: [...rows.values()].sort((a, b) => b.us - a.us) };
}

const f2 = (n) => n.toFixed(2);

async function main() {
  const entry = await buildFromSource();
  const bundleUrl = pathToFileURL(entry).href;
  const map = new SourceMap(JSON.parse(readFileSync(`${entry}.map`, "utf8")));
  const md = [];
  const out = (s = "") => {
    md.push(s);
    console.log(s);
  };
  out(`## Per-request profile (bench/profile.mjs, ${new Date().toISOString().replace(/\.\d+Z$/, "Z")})`);
  out();
  out(`tierfetch built from src/ (${entry.replace(ROOT, "")}, unminified, source-mapped); request as in bench/overhead.mjs (in-memory fetch). ${ROUNDS} alternated rounds of ${SECONDS} s per library and mode, medians.`);
  for (const bin of nodeBinaries()) {
    const version = spawnSync(bin, ["--version"], { encoding: "utf8" }).stdout.trim();
    const tag = `node${version.slice(1).split(".")[0]}`;
    out();
    out(`### Node ${version}`);
    out();
    // 1. rates, with and without allocation-site pretenuring, alternated
    const rates = Object.fromEntries(LIBS.map((l) => [l, { on: [], off: [] }]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const lib of LIBS) {
        rates[lib].on.push(perRequest(await profileRun(bin, lib, { entry })));
        rates[lib].off.push(perRequest(await profileRun(bin, lib, { entry, flags: ["--no-allocation-site-pretenuring"] })));
      }
    }
    const med = (list, k) => median(list.map((x) => x[k]));
    // 2. pretenuring decisions
    const tenure = {};
    for (const lib of LIBS) tenure[lib] = pretenuring((await profileRun(bin, lib, { entry, flags: ["--trace-pretenuring-statistics"] })).stdout);
    out("| library | CPU µs/req | GC µs/req | full GCs/1k req | allocation sites tenured (max, of visited) | with --no-allocation-site-pretenuring: CPU µs/req, GC µs/req |");
    out("|---|---|---|---|---|---|");
    for (const lib of LIBS) {
      const { on, off } = rates[lib];
      out(
        `| ${lib} | ${f2(med(on, "cpuUs"))} | ${f2(med(on, "gcUs"))} | ${f2(med(on, "majorPer1k"))} | ${tenure[lib].maxTenured} of ${tenure[lib].maxVisited} | ${f2(med(off, "cpuUs"))}, ${f2(med(off, "gcUs"))} |`,
      );
    }
    out();
    const tf = med(rates.tierfetch.on, "cpuUs");
    const floor = med(rates.floor.on, "cpuUs");
    out(`tierfetch costs ${f2(tf - floor)} µs/req over the floor (${f2(floor / tf)}× the floor's rate; target 0.9×: ≤ ${f2(floor / 0.9)} µs/req).`);
    // 3. CPU profile of tierfetch (and of the floor, for what fetch + Response cost)
    for (const lib of ["tierfetch", "floor"]) {
      const file = `${OUT}/${tag}-${lib}.cpuprofile`;
      await profileRun(bin, lib, { entry, extra: ["--write-profile", file] });
      const { total, rows } = selfTimes(JSON.parse(readFileSync(file, "utf8")), map, bundleUrl);
      const scale = med(rates[lib].on, "cpuUs") / total; // profiled µs -> unprofiled µs/request
      out();
      out(`${lib}: self time by group, µs/request (profile ${file.replace(ROOT, "")}, scaled to the unprofiled ${f2(med(rates[lib].on, "cpuUs"))} µs/req):`);
      out();
      const groups = new Map();
      for (const r of rows) groups.set(r.group, (groups.get(r.group) ?? 0) + r.us);
      out("| group | µs/req | share |");
      out("|---|---|---|");
      for (const [g, us] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, 14)) out(`| ${g} | ${f2(us * scale)} | ${((100 * us) / total).toFixed(1)} % |`);
      if (lib !== "tierfetch") continue;
      out();
      out(`tierfetch: top ${TOP} frames by self time:`);
      out();
      out("| function | where | µs/req | share |");
      out("|---|---|---|---|");
      for (const r of rows.slice(0, TOP)) out(`| ${r.fn} | ${r.where} | ${f2(r.us * scale)} | ${((100 * r.us) / total).toFixed(1)} % |`);
    }
  }
  out();
  writeFileSync(`${ROOT}.tmp/profile.md`, md.join("\n"));
  console.log("written to .tmp/profile.md");
}

await main();
