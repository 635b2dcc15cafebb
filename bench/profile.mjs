#!/usr/bin/env node
// Where tierfetch's per-request time goes, under Node 20 and the pinned Node 22: the in-memory
// request of bench/overhead.mjs (or, with --loopback N, over the loopback server), for tierfetch built from src/ (esbuild, not minified, with a
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
// Usage: node bench/profile.mjs [--loopback CONCURRENCY] [--seconds N] [--rounds N] [--top N] [--smoke]
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
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
/** --loopback N: the request over bench/loopback.mjs's keep-alive server at concurrency N instead of the in-memory fetch. */
const li = process.argv.indexOf("--loopback");
const LOOPBACK = li === -1 ? [] : ["--loopback", String(Number(process.argv[li + 1]))];

/** tierfetch from src/, one unminified ESM file with an external source map. */
async function buildFromSource() {
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
    const args = [...flags, `${ROOT}bench/profile-run.mjs`, "--profile", lib, String(SECONDS), ...LOOPBACK, ...extra];
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
  // Idle samples (waiting for I/O) are no CPU time: left out, so shares are of CPU time.
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    if (harness.has(id) || idle.has(id)) continue;
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
  // Inclusive time (self + callees) of every node, and where each node is (src/ line for ours).
  const info = new Map();
  const visit = (n) => {
    const f = n.callFrame;
    let where = f.url;
    if (f.url === bundleUrl) {
      const e = map.findEntry(f.lineNumber, f.columnNumber);
      where = `${e?.originalSource ? e.originalSource.replace(/^.*?src\//, "src/") : "src/?"}:${(e?.originalLine ?? 0) + 1}`;
    }
    let incl = harness.has(n.id) || idle.has(n.id) ? 0 : (self.get(n.id) ?? 0);
    for (const c of n.children ?? []) incl += visit(byId.get(c));
    info.set(n.id, { fn: f.functionName || "(anonymous)", url: f.url, where, ours: f.url === bundleUrl, incl, node: n });
    return incl;
  };
  visit(profile.nodes[0]);
  return { total, rows: [...rows.values()].sort((a, b) => b.us - a.us), info, byId };
}

/**
 * Inclusive µs of the nodes matching `pred`, a match inside another match counted once.
 * @returns {number} profiled µs
 */
function inclusiveOf({ info, byId }, pred, id = 1, inside = false) {
  const it = info.get(id);
  const here = !inside && pred(it);
  let us = here ? it.incl : 0;
  for (const c of it.node.children ?? []) us += inclusiveOf({ info, byId }, pred, c, inside || here);
  return us;
}

/**
 * The suspects of issue 14 as they show in a profile: each a predicate on a profile node.
 * Inclusive time, so a suspect's callees (builtins, Node internals) count with it.
 */
const SUSPECTS = [
  ["queueMicrotask + its AsyncResource per request (src/pipeline/response.ts:47; Node wraps each callback)", (n) => /task_queues/.test(n.url) && n.fn === "queueMicrotask"],
  ["Closer track + release (src/resilience/closer.ts:30-43, a Set per client chain)", (n) => n.ours && /^(track|release)$/.test(n.fn)],
  ["URL: joinUrl + normaliseQuery + appendQuery + isAbsolute (src/http/url.ts, called at src/pipeline/call.ts:63-65)", (n) => n.ours && /^(joinUrl|normaliseQuery|appendQuery|isAbsolute)$/.test(n.fn)],
  ["headers: mergeHeaders (src/http/headers.ts:40, src/pipeline/call.ts:74)", (n) => n.ours && n.fn === "mergeHeaders"],
  ["options: applyOptions + resolveRequest (src/options/option-table.ts, src/pipeline/plan.ts)", (n) => n.ours && /^(applyOptions|resolveRequest)$/.test(n.fn)],
  ["new CallContext (src/pipeline/context.ts, src/pipeline/call.ts:102)", (n) => n.ours && n.fn === "CallContext"],
  ["per-attempt AbortController + its signal (src/pipeline/attempt.ts:35)", (n) => /abort_controller/.test(n.url) && /^(AbortController|get signal|createAbortSignal)$/.test(n.fn)],
  ["per-attempt setTimeout + clearTimeout (src/pipeline/attempt.ts:53,69)", (n) => /^node:timers$/.test(n.url) && /^(setTimeout|clearTimeout)$/.test(n.fn)],
  ["ResponsePromise.start (src/pipeline/response.ts:37-58, without what runs in its microtask)", (n) => n.ours && n.fn === "start" && /response\.ts/.test(n.where)],
  ["prepareCall, all of it (src/pipeline/call.ts:52)", (n) => n.ours && n.fn === "prepareCall"],
  ["runCall, all of it (src/pipeline/call.ts:123, the attempt included)", (n) => n.ours && n.fn === "runCall"],
];

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
  out(`tierfetch built from src/ (${entry.replace(ROOT, "")}, unminified, source-mapped); request as in bench/overhead.mjs (${LOOPBACK.length ? `over the loopback keep-alive server, concurrency ${LOOPBACK[1]}, default fetch; CPU is this process's, the server's not counted` : "in-memory fetch"}). ${ROUNDS} alternated rounds of ${SECONDS} s per library and mode, medians.`);
  for (const bin of nodeBinaries()) {
    const version = spawnSync(bin, ["--version"], { encoding: "utf8" }).stdout.trim();
    const tag = `node${version.slice(1).split(".")[0]}${LOOPBACK.length ? `-loopback${LOOPBACK[1]}` : ""}`;
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
    const prof = {};
    for (const lib of ["tierfetch", "floor"]) {
      const file = `${OUT}/${tag}-${lib}.cpuprofile`;
      await profileRun(bin, lib, { entry, extra: ["--write-profile", file] });
      const a = selfTimes(JSON.parse(readFileSync(file, "utf8")), map, bundleUrl);
      prof[lib] = { ...a, file, scale: med(rates[lib].on, "cpuUs") / a.total }; // profiled µs -> unprofiled µs/request
    }
    const groupsOf = (p) => {
      const g = new Map();
      for (const r of p.rows) g.set(r.group, (g.get(r.group) ?? 0) + r.us * p.scale);
      return g;
    };
    const tg = groupsOf(prof.tierfetch);
    const fg = groupsOf(prof.floor);
    out();
    out(`Self time by where the code is, µs/request (profiles ${prof.tierfetch.file.replace(ROOT, "")} and -floor, 250 µs sampling, scaled to the unprofiled CPU µs/req above):`);
    out();
    out("| code | tierfetch | floor | tierfetch − floor |");
    out("|---|---|---|---|");
    for (const [g, us] of [...tg].sort((a, b) => b[1] - a[1]).slice(0, 16)) out(`| ${g} | ${f2(us)} | ${f2(fg.get(g) ?? 0)} | ${f2(us - (fg.get(g) ?? 0))} |`);
    out();
    out("The suspects, inclusive (their callees counted with them), tierfetch, µs/request:");
    out();
    out("| suspect | µs/req |");
    out("|---|---|");
    for (const [label, pred] of SUSPECTS) out(`| ${label} | ${f2(inclusiveOf(prof.tierfetch, pred) * prof.tierfetch.scale)} |`);
    out();
    out(`tierfetch: top ${TOP} frames by self time:`);
    out();
    out("| function | where | µs/req | share |");
    out("|---|---|---|---|");
    const t = prof.tierfetch;
    for (const r of t.rows.slice(0, TOP)) out(`| ${r.fn} | ${r.where} | ${f2(r.us * t.scale)} | ${((100 * r.us) / t.total).toFixed(1)} % |`);
  }
  out();
  const mdFile = `${ROOT}.tmp/profile${LOOPBACK.length ? `-loopback${LOOPBACK[1]}` : ""}.md`;
  writeFileSync(mdFile, md.join("\n"));
  console.log(`written to ${mdFile.replace(ROOT, "")}`);
}

await main();
