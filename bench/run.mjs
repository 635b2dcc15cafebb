#!/usr/bin/env node
// `npm run bench`: the targets of issues 14 and 23, measured in one run under Node 20 AND Node 22 (the
// pinned binary of runtimes/, installed by scripts/install-runtimes.sh when missing):
// - overhead (in-memory fetch) and loopback (node:http keep-alive on 127.0.0.1): bench/speed.mjs,
//   run under each Node in turn, every ratio taken against baselines measured in the same run;
// - size by architecture (esbuild, with and without code splitting): bench/size.mjs;
// - the stream decoders on four SSE wire shapes and NDJSON: bench/decoders.mjs, under each Node too;
// - memory per in-flight request and per open SSE stream (10,000 at once): bench/memory.mjs.
// Prints markdown (targets first, each stated met or not, then every figure) and writes it to
// .tmp/bench.md for the README, and every figure as JSON to .tmp/bench-results.json (for charts).
//
// --smoke: a tiny run of every section (~10 s) that `npm test` uses only to check the bench
// still runs; it prints "1 passed, 0 failed" or fails. No figure of a smoke run means anything.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { decoderRatios } from "./decoders.mjs";
import { benchMemory } from "./memory.mjs";
import { benchHedge } from "./hedge.mjs";
import { nodeBinaries } from "./nodes.mjs";
import { FLOOR, median } from "./overhead.mjs";
import { benchSize, budgetChecks, kb, packageSnapshot } from "./size.mjs";
import { TARGET_ONE_REQUEST } from "./size-table.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const smoke = process.argv.includes("--smoke");

/** Issue 14's targets: tierfetch's rate divided by the baseline's, in the same run. */
const TARGETS = {
  overVsFloor: 0.9,
  overVsOfetch: 1.25,
  overVsKy: 3,
  loopbackVsFloor: 0.95,
  sseVsStream: 2.5,
  sseVsCallback: 1.0,
  linesVsSplit: 1.0,
};
/** What each decoder pair is held to (baseline name as bench/decoders.mjs gives it). */
const DECODER_TARGETS = {
  createParser: TARGETS.sseVsCallback,
  EventSourceParserStream: TARGETS.sseVsStream,
  "TextDecoderStream + split": TARGETS.linesVsSplit,
  "TextDecoderStream + split + JSON.parse": TARGETS.linesVsSplit,
};

const version = (pkg) => JSON.parse(readFileSync(`${ROOT}node_modules/${pkg}/package.json`, "utf8")).version;
const fmtInt = (n) => Math.round(n).toLocaleString("en-US");
const us = (rate) => (1e6 / rate).toFixed(rate > 20_000 ? 2 : 1);
const x = (r, digits = 2) => `${r.toFixed(digits)}×`;
const verdict = (ok) => (ok ? "✅ met" : "❌ not met");
/** Median over rounds of a's CPU rate over b's in the same round. */
const paired = (a, b, clock = "cpu") => median(a[clock].samples.map((v, i) => v / b[clock].samples[i]));

function gitRev() {
  try {
    const git = (...args) => execFileSync("git", args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return git("status", "--porcelain", "--", "src") ? `${git("rev-parse", "--short", "HEAD")} + uncommitted src/` : git("rev-parse", "--short", "HEAD");
  } catch {
    return "unknown";
  }
}

/** Runs a bench script under `bin`; resolves with the JSON of its last stdout line. */
function runJson(bin, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"], env: process.env });
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const last = out.trim().split("\n").pop() ?? "";
      if (code !== 0) return reject(new Error(`${bin} ${args.join(" ")} exited with ${code}`));
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${bin} ${args.join(" ")}: no JSON on stdout: ${out.slice(-300)}`));
      }
    });
  });
}

const DECODERS_FILE = `${ROOT}bench/decoders.mjs`;
const decodersScript = (smokeRun) =>
  `const { benchDecoders } = await import(${JSON.stringify(pathToFileURL(DECODERS_FILE).href)}); console.log(JSON.stringify(await benchDecoders({ smoke: ${smokeRun} })));`;

async function main() {
  const started = performance.now();
  const load0 = os.loadavg()[0];
  // One snapshot of the package (package.json + dist/) for every section, so that a rebuild
  // during the run cannot mix builds.
  mkdirSync(`${ROOT}.tmp`, { recursive: true });
  if (!existsSync(`${ROOT}dist/index.js`)) throw new Error("dist/index.js is missing: run `npx tsup` first");
  const pkgDir = packageSnapshot(`${ROOT}.tmp/bench-pkg`);
  process.env.TIERFETCH_PKG = pkgDir;
  process.env.TIERFETCH_ENTRY = `${pkgDir}/node_modules/tierfetch/dist/index.js`;

  // Timed sections, one Node after the other.
  const runs = [];
  for (const bin of nodeBinaries()) {
    const speed = await runJson(bin, [`${ROOT}bench/speed.mjs`, ...(smoke ? ["--smoke"] : [])]);
    const raw = existsSync(DECODERS_FILE) ? await runJson(bin, ["--input-type=module", "-e", decodersScript(smoke)]) : undefined;
    // Rows of { name, mbPerSec } (as bench/decoders.mjs returns today), or an object holding them in `rows`.
    const decoders = raw === undefined ? undefined : Array.isArray(raw) ? raw : (raw.rows ?? []);
    runs.push({ ...speed, decoders });
  }
  const size = await benchSize({ smoke });
  const memory = await benchMemory({ smoke });
  const hedge = await benchHedge({ smoke });

  const lines = [];
  const out = (s = "") => lines.push(s);
  const head = (...cells) => {
    out(`| ${cells.join(" | ")} |`);
    out(`|${cells.map(() => "---").join("|")}|`);
  };
  const row = (...cells) => out(`| ${cells.join(" | ")} |`);
  const labels = runs.map((r) => `Node ${r.node.slice(1)}`);
  const byName = (rows) => Object.fromEntries(rows.map((r) => [r.name, r]));

  // Targets
  let met = 0;
  let total = 0;
  const judge = (ok) => {
    total++;
    if (ok) met++;
    return verdict(ok);
  };
  out(`## Benchmarks${smoke ? " (smoke run: figures meaningless)" : ""}`);
  out();
  head("target (issues 14, 23)", ...labels);
  /** Per Node (same order as `runs`): every target judged, for .tmp/bench-results.json. */
  const judged = runs.map(() => []);
  /** `pick` gives the CPU ratio, or { cpu, wall } (the wall ratio is shown, the CPU one judged). */
  const ratioRow = (id, label, target, pick) =>
    row(
      label,
      ...runs.map((r, n) => {
        const v = pick(r);
        const { cpu, wall } = typeof v === "number" ? { cpu: v, wall: undefined } : (v ?? {});
        if (cpu === undefined) return "not measured";
        const ok = cpu >= target;
        judged[n].push({ id, label, target, cpu, wall: wall ?? null, met: ok });
        return `${x(cpu)}${wall === undefined ? "" : ` (${x(wall)} wall)`} ${judge(ok)}`;
      }),
    );
  const over = (r) => byName(r.overhead.rows);
  ratioRow("overhead-vs-floor", `in-memory: tierfetch ≥ ${TARGETS.overVsFloor}× the floor`, TARGETS.overVsFloor, (r) => paired(over(r).tierfetch, over(r)[FLOOR]));
  ratioRow("overhead-vs-ofetch", `in-memory: tierfetch ≥ ${TARGETS.overVsOfetch}× ofetch`, TARGETS.overVsOfetch, (r) => paired(over(r).tierfetch, over(r).ofetch));
  ratioRow("overhead-vs-ky", `in-memory: tierfetch ≥ ${TARGETS.overVsKy}× ky`, TARGETS.overVsKy, (r) => paired(over(r).tierfetch, over(r).ky));
  for (const [i, l] of runs[0].loopback.entries()) {
    ratioRow(`loopback-c${l.concurrency}-vs-floor`, `loopback keep-alive, concurrency ${l.concurrency}: client CPU per request ≥ ${TARGETS.loopbackVsFloor}× the floor's (req per CPU-s; req/s ratio in brackets)`, TARGETS.loopbackVsFloor, (r) => {
      const rows = byName(r.loopback[i].rows);
      return { cpu: paired(rows.tierfetch, rows[FLOOR]), wall: paired(rows.tierfetch, rows[FLOOR], "wall") };
    });
  }
  // Decoders: every wire shape against each baseline, CPU ratio judged, wall ratio shown.
  const pairs = runs.map((r) => (r.decoders ? decoderRatios(r.decoders) : []));
  for (const [i, p] of (pairs.find((ps) => ps.length) ?? []).entries()) {
    const target = DECODER_TARGETS[p.baseline];
    ratioRow(`decoder-${p.corpus}-${p.ours}-vs-${p.baseline}`, `${p.corpus}: tierfetch ${p.ours} ≥ ${target}× ${p.baseline} (MB per CPU-s; per wall-s in brackets)`, target, (r) => {
      const q = pairs[runs.indexOf(r)][i];
      return q && { cpu: q.cpu, wall: q.wall };
    });
  }
  const one = size.rows.find((r) => r.row.target);
  const sizeOk = one.bundle.gzip <= TARGET_ONE_REQUEST;
  row(`size: one JSON request ≤ ${kb(TARGET_ONE_REQUEST)} gzip, no code splitting (any Node)`, ...runs.map(() => `${kb(one.bundle.gzip)} ${verdict(sizeOk)}`));
  total++;
  if (sizeOk) met++;
  out();
  out(`**${met} of ${total} target figures met** (each Node version counts apart).`);
  out();

  // Setup
  const cpus = os.cpus();
  head("setup", "");
  row("date", new Date().toISOString().replace(/\.\d+Z$/, "Z"));
  row("machine", `${cpus[0]?.model.trim() ?? "unknown"}, ${cpus.length} cores, ${os.platform()} ${os.arch()}`);
  row("load average (1 min)", `${load0.toFixed(2)} at start, ${os.loadavg()[0].toFixed(2)} at end`);
  row("Node", labels.join(", "));
  row("tierfetch", `${JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")).version} (${gitRev()}), dist/ snapshot`);
  row("peers", ["ky", "ofetch", "axios", "eventsource-parser"].map((p) => `${p} ${version(p)}`).join(", "));
  out();

  // Overhead
  const cell = (r, floor) => `${us(r.cpu.rps)} µs/req, ${x(paired(r, floor))} floor, GC ${r.gcUs.toFixed(2)} µs/req, ${r.majorPer1k.toFixed(2)} full GC/1k`;
  head("in-memory overhead", ...labels);
  for (const name of runs[0].overhead.rows.map((r) => r.name)) row(name, ...runs.map((r) => cell(over(r)[name], over(r)[FLOOR])));
  out();
  for (const [i, l] of runs[0].loopback.entries()) {
    head(`loopback, concurrency ${l.concurrency}`, ...labels);
    for (const name of l.rows.map((r) => r.name)) {
      row(
        name,
        ...runs.map((r) => {
          const rows = byName(r.loopback[i].rows);
          const it = rows[name];
          return `client CPU ${us(it.cpu.rps)} µs/req, ${x(paired(it, rows[FLOOR]), 3)} floor, ${fmtInt(it.wall.rps)} req/s, GC ${it.gcUs.toFixed(1)} µs/req`;
        }),
      );
    }
    out();
  }

  // Size
  head("size, min+gzip", "no code splitting", "code splitting", "feature adds", "budget (npm test)");
  for (const r of size.rows) {
    const split = `${kb(r.split.gzip)}${r.split.lazyGzip ? ` + ${kb(r.split.lazyGzip)} lazy` : ""}`;
    const adds = r.marginal ? `${r.marginal.bundle} B / ${r.marginal.split} B` : "";
    const budget = budgetChecks(r)
      .map((c) => `${c.mode === "bundle" ? "no split" : "split"} ≤ ${kb(c.limit)} ${c.ok ? "✅" : "❌"}`)
      .join(", ");
    row(r.name, `${kb(r.bundle.gzip)} (${kb(r.bundle.min)} min)`, split, adds, budget);
  }
  for (const c of size.checks) row(c.name, c.detail, "", "", c.ok ? "✅" : "❌");
  out();
  if (size.moduleCosts) {
    const { total, features, modules } = size.moduleCosts;
    head(`one JSON request on createClient from src/ (${kb(total)} gzip, no splitting): what each feature costs it`, "gzip");
    for (const f of features) row(f.feature, `${f.gzip} B`);
    out();
    head(`one JSON request on createClient from src/ (${kb(total)} gzip, no splitting): what it would lose without each module`, "gzip");
    for (const m of modules.slice(0, 16)) row(m.file, `${m.gzip} B`);
    out();
  }

  // Decoders
  if (runs.some((r) => r.decoders)) {
    head("decoders (bench/decoders.mjs), MB per CPU-second (per wall-second)", ...labels);
    for (const name of (runs.find((r) => r.decoders)?.decoders ?? []).map((d) => d.name)) {
      row(name, ...runs.map((r) => {
        const d = r.decoders?.find((it) => it.name === name);
        return d ? `${d.mbPerSec} (${d.wallMbPerSec}) MB/s` : "–";
      }));
    }
    out();
  }

  // Memory
  head(`memory, ${fmtInt(memory.n)} at once over loopback (${process.version})`, "heap per in-flight request", "heap per open SSE stream");
  for (const m of memory.rows) row(m.name, `${(m.requestBytes / 1024).toFixed(1)} KiB`, `${(m.streamBytes / 1024).toFixed(1)} KiB`);
  out();

  // Hedging
  head(`hedged requests, 1 in 10 slow (${hedge.slowMs / 1000} s) over loopback (${process.version})`, "p50", "p95", "p99", "requests sent");
  for (const h of hedge.rows) row(h.name, `${h.p50.toFixed(0)} ms`, `${h.p95.toFixed(0)} ms`, `${h.p99.toFixed(0)} ms`, `${h.requests} for ${h.calls} calls (+${((h.requests / h.calls - 1) * 100).toFixed(0)} %)`);
  out();

  // Notes
  const o = runs[0].overhead.settings;
  const l = runs[0].loopback[0].settings;
  const notes = [
    `Each Node version runs in its own process, one after the other (never both at once). Ratios are medians of per-round ratios of requests per CPU-second of the bench process, so each ratio pairs figures measured seconds apart; "floor" = raw fetch + one AbortController + one setTimeout/clearTimeout per request, the least a client enforcing a per-attempt timeout can do.`,
    `in-memory overhead: every library in a process of its own (its own heap, GC and pretenuring state, as in a user's process; no forced GC), ${o.rounds} rounds, libraries interleaved (one process runs at a time, order rotated every round), each slice ${o.settleMs} ms unmeasured then ${o.ms} ms measured. Request: base URL + \`users\`, query \`page=2\`, header \`x-request-id\`, JSON body parsed; the fetch returns a fresh \`new Response(JSON)\`. µs/req is CPU time per request; GC µs/req is the GC pause time (v8.GCProfiler, wall clock: a busy machine inflates it) inside measured slices per request; full GC/1k = mark-compact collections per 1,000 requests.`,
    `loopback: node:http keep-alive server on 127.0.0.1 in a child process, each library's default fetch (undici) in a process of its own; ${l.rounds} interleaved rounds of ${l.settleMs} + ${l.ms} ms (bounded to ${l.maxCalls} calls) per library and concurrency. Client CPU µs/req is this process's CPU time per request (the server is not counted), which a busy machine disturbs far less than req/s.`,
    `size: esbuild (bundle, minify, platform browser, ESM, es2022), gzip level 9, 1 KB = 1000 B, "tierfetch" resolved through the package's "exports". No code splitting = what wrangler, Deno and single-file builds produce (an \`import()\` is inlined). Code splitting = what a browser app bundler does; chunks reached only through \`import()\` are "lazy". "feature adds" = gzip bytes over the one-request app (no split / split counting the lazy chunks the feature loads). Peers do what one-request.js does (a client with a base URL, one GET, JSON parsed). Budgets: bench/size-table.mjs. "What it would lose without": the app bundled from src/ unminified, the module's code cut out, the rest minified and gzipped (an upper bound of what an entry point of its own saves; modules of each feature listed in bench/size-table.mjs).`,
    `decoders: each corpus (~24 MB, built from the wire shape of the API it names: see bench/decoders.mjs) read from memory through a ReadableStream in 16 KiB chunks; every candidate consumes every item; interleaved runs (order reversed every other run), MB per CPU-second of the process and per wall-second, ratios = medians of per-run ratios. createParser is fed by one streaming TextDecoder from a reader, as a hand-written loop does; the lines baseline splits each TextDecoderStream text at \\n in the read loop.`,
    `memory: ${fmtInt(memory.n)} requests (then ${fmtInt(memory.n)} SSE streams) started at once against a loopback server that holds them; heap used after two forced GCs, minus the heap before, divided by the count; each library in a process of its own with its default fetch (undici), whose per-connection state is in every figure. See bench/memory.mjs.`,
    `hedging: a node:http server on 127.0.0.1 answers in ${hedge.fastMs} ms, except every tenth request it receives (hedged copies included), which takes ${hedge.slowMs} ms; ${hedge.rows[0]?.calls} calls at concurrency ${hedge.concurrency}, without hedging, with \`hedge: { after: "p90" }\` and with \`max: 2\` (no copy until 20 times to headers were seen); latency per call, requests as the server counted them. A copy is itself slow 1 time in 10, so with one copy about 1 call in 100 meets two slow requests: p99 sits on that edge, and a second copy takes it below. See bench/hedge.mjs.`,
    `ky ${version("ky")} declares node ${JSON.parse(readFileSync(`${ROOT}node_modules/ky/package.json`, "utf8")).engines?.node}; on Node 20 it runs this request shape (validated before timing).`,
  ];
  if (!runs.some((r) => r.node.startsWith("v20."))) notes.push("Node 20 was not measured (run `npm run bench` with Node 20 to get both columns).");
  if (!runs.some((r) => r.node.startsWith("v22."))) notes.push("Node 22 was not measured: runtimes/node_modules/node22 is missing (scripts/install-runtimes.sh).");
  for (const n of notes) out(`- ${n}`);
  out(`- run took ${((performance.now() - started) / 1000).toFixed(0)} s (\`npm run bench\`).`);
  out();
  const results = {
    schema: 1,
    smoke,
    date: new Date().toISOString(),
    machine: { cpu: cpus[0]?.model.trim() ?? "unknown", cores: cpus.length, platform: `${os.platform()} ${os.arch()}`, loadStart: load0, loadEnd: os.loadavg()[0] },
    tierfetch: gitRev(),
    peers: Object.fromEntries(["ky", "ofetch", "axios", "eventsource-parser"].map((p) => [p, version(p)])),
    runs: runs.map((r, n) => ({
      node: r.node,
      targets: judged[n],
      overhead: r.overhead.rows.map((it) => ({ name: it.name, us: 1e6 / it.cpu.rps, vsFloor: paired(it, over(r)[FLOOR]), gcUsPerReq: it.gcUs, majorPer1k: it.majorPer1k })),
      loopback: r.loopback.map((l) => {
        const rows = byName(l.rows);
        return { concurrency: l.concurrency, rows: l.rows.map((it) => ({ name: it.name, us: 1e6 / it.cpu.rps, reqPerSec: it.wall.rps, vsFloorCpu: paired(it, rows[FLOOR]), vsFloorWall: paired(it, rows[FLOOR], "wall") })) };
      }),
      decoders: {
        rows: (r.decoders ?? []).map(({ corpus, candidate, bytes, items, mbPerSec, wallMbPerSec }) => ({ corpus, candidate, bytes, items, mbPerSecCpu: mbPerSec, mbPerSecWall: wallMbPerSec })),
        ratios: pairs[n].map((q) => ({ ...q, target: DECODER_TARGETS[q.baseline], met: q.cpu >= DECODER_TARGETS[q.baseline] })),
      },
    })),
    memory: { node: process.version, n: memory.n, rows: memory.rows },
    hedge: { node: process.version, ...hedge },
    size: size.rows.map((r) => ({ name: r.name, peer: Boolean(r.row.peer), gzip: r.bundle.gzip, min: r.bundle.min, splitGzip: r.split.gzip, splitLazyGzip: r.split.lazyGzip ?? 0 })),
  };
  if (!smoke) writeFileSync(`${ROOT}.tmp/bench-results.json`, `${JSON.stringify(results, null, 2)}\n`);
  return lines.join("\n");
}

try {
  const md = await main();
  console.log(md);
  if (smoke) console.log("1 passed, 0 failed");
  else {
    mkdirSync(`${ROOT}.tmp`, { recursive: true });
    writeFileSync(`${ROOT}.tmp/bench.md`, md);
    console.log("written to .tmp/bench.md");
    execFileSync(process.execPath, [`${ROOT}bench/charts.mjs`], { stdio: "inherit" }); // docs/bench-*.svg from this run
  }
} catch (err) {
  console.error(err);
  if (smoke) console.log("0 passed, 1 failed");
  process.exit(1);
}
