#!/usr/bin/env node
// `npm run bench`: overhead (in-memory fetch), loopback (node:http keep-alive on 127.0.0.1),
// bundle size, and the stream decoders when bench/decoders.mjs exists. Prints one markdown
// table (setup and every figure) and writes it to .tmp/bench.md for the README.
//
// --smoke: a tiny run of every section (a few seconds) that `npm test` uses only to check the
// bench still runs; it prints "1 passed, 0 failed" or fails. No figure of a smoke run means
// anything.
import { execSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { benchLoopback } from "./loopback.mjs";
import { benchOverhead, pairedRatio } from "./overhead.mjs";
import { benchSize } from "./size.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const smoke = process.argv.includes("--smoke");

const TARGETS = {
  overVsKy: 3,
  overVsOfetch: 1.25,
  overVsAxios: 1.25,
  overVsRaw: 0.7,
  loopbackVsRaw: 0.97,
};

const version = (pkg) => JSON.parse(readFileSync(`${ROOT}node_modules/${pkg}/package.json`, "utf8")).version;
const engines = (pkg) => JSON.parse(readFileSync(`${ROOT}node_modules/${pkg}/package.json`, "utf8")).engines?.node;
const fmtInt = (n) => Math.round(n).toLocaleString("en-US");
const x = (r) => `${r.toFixed(2)}×`;
const verdict = (ok) => (ok ? "✅" : "❌");

function gitRev() {
  try {
    const rev = execSync("git rev-parse --short HEAD", { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = execSync("git status --porcelain -- src", { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return dirty ? `${rev} + uncommitted src/` : rev;
  } catch {
    return "unknown";
  }
}

/**
 * Every section measures one snapshot of dist/index.js (in .tmp/bench-dist/), so a rebuild
 * during the run cannot mix builds or break the size section halfway.
 */
function snapshotDist() {
  if (process.env.TIERFETCH_ENTRY) return process.env.TIERFETCH_ENTRY;
  const dist = `${ROOT}dist/index.js`;
  if (!existsSync(dist)) throw new Error("dist/index.js is missing: run `npx tsup` first");
  // The entry and the chunks it loads (the lazy part comes with import()).
  rmSync(`${ROOT}.tmp/bench-dist`, { recursive: true, force: true });
  mkdirSync(`${ROOT}.tmp/bench-dist`, { recursive: true });
  for (const file of readdirSync(`${ROOT}dist`)) if (file.endsWith(".js") && file !== "cli.js") copyFileSync(`${ROOT}dist/${file}`, `${ROOT}.tmp/bench-dist/${file}`);
  const copy = `${ROOT}.tmp/bench-dist/index.js`;
  process.env.TIERFETCH_ENTRY = copy;
  return dist;
}

async function main() {
  const started = performance.now();
  const load0 = os.loadavg()[0];
  const measured = snapshotDist();
  const table = [];
  const row = (...cells) => table.push(`| ${cells.join(" | ")} |`);
  const notes = [];

  // Setup
  const cpus = os.cpus();
  const peers = ["ky", "ofetch", "axios", "wretch", "up-fetch"].map((p) => `${p} ${version(p)}`).join(", ");
  row("setup", "date", new Date().toISOString().replace(/\.\d+Z$/, "Z"), "", "", "");
  row("setup", "machine", `${cpus[0]?.model.trim() ?? "unknown"}, ${cpus.length} cores, ${os.platform()} ${os.arch()}`, "", "", "");
  row("setup", "Node", process.version, "", "", "");
  row("setup", "tierfetch", `${JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")).version} (${gitRev()}), ${measured.replace(ROOT, "")}`, "", "", "");
  row("setup", "peers", peers, "", "", "");
  const kyNode = engines("ky");
  if (kyNode && Number(process.versions.node.split(".")[0]) < Number(/\d+/.exec(kyNode)?.[0])) {
    notes.push(`ky ${version("ky")} declares node ${kyNode}; it runs on Node ${process.versions.node} for this request shape (validated before timing).`);
  }

  // Overhead
  const over = await benchOverhead({ smoke });
  const by = Object.fromEntries(over.rows.map((r) => [r.name, r]));
  const tf = by.tierfetch;
  for (const r of over.rows) {
    let target = "";
    if (r.name === "tierfetch") {
      const vsKy = pairedRatio(tf, by.ky);
      const vsRaw = pairedRatio(tf, by["raw fetch"]);
      target = `≥ ${TARGETS.overVsKy}× ky ${verdict(vsKy >= TARGETS.overVsKy)}, ≥ ${TARGETS.overVsRaw}× raw ${verdict(vsRaw >= TARGETS.overVsRaw)} (${x(pairedRatio(tf, by["raw fetch + timeout"]))} raw fetch + timeout)`;
    } else if (r.name === "ofetch" || r.name === "axios") {
      const t = r.name === "ofetch" ? TARGETS.overVsOfetch : TARGETS.overVsAxios;
      const v = pairedRatio(tf, r);
      target = `tierfetch is ${x(v)} this, ≥ ${t}× ${verdict(v >= t)}`;
    }
    row("overhead, in-memory fetch", r.name, `${fmtInt(r.rps)} req/s (${fmtInt(r.wall.rps)} wall)`, x(pairedRatio(r, by.ky)), x(pairedRatio(r, by["raw fetch"])), target);
  }
  notes.push(
    `overhead: ${over.settings.rounds} interleaved rounds of ${over.settings.ms} ms per library (order rotated each round, full GC before each); req/s is requests per CPU-second of the bench process (wall-clock req/s in brackets, which other processes on a busy machine disturb more), median over rounds; ratios are the median of per-round ratios (CPU time). Request: base URL + \`users\`, query \`page=2\`, header \`x-request-id\`, JSON body parsed; the fetch returns a fresh \`new Response(JSON)\`. "raw fetch + timeout" adds what a hand-written call needs for a timeout (AbortController, setTimeout, clearTimeout): the fair baseline for tierfetch, whose every attempt has one (30 s by default).`,
  );

  // Loopback
  const loop = await benchLoopback({ smoke });
  for (const { concurrency, rows } of loop) {
    const raw = rows.find((r) => r.name === "raw fetch");
    const ky = rows.find((r) => r.name === "ky");
    for (const r of rows) {
      const v = pairedRatio(r, raw);
      const cpuUs = (1e6 / r.cpu.rps).toFixed(0);
      const withTimeout = rows.find((k) => k.name === "raw fetch + timeout");
      const target =
        r.name === "tierfetch"
          ? `≥ ${TARGETS.loopbackVsRaw}× raw (within 3%) ${verdict(v >= TARGETS.loopbackVsRaw)} (${pairedRatio(r, withTimeout).toFixed(3)}× raw fetch + timeout; req per client CPU-s ${pairedRatio(r, raw, "cpu").toFixed(3)}× raw)`
          : "";
      row(`loopback, concurrency ${concurrency}`, r.name, `${fmtInt(r.rps)} req/s (client CPU ${cpuUs} µs/req)`, x(pairedRatio(r, ky)), `${v.toFixed(3)}×`, target);
    }
  }
  notes.push(
    `loopback: node:http keep-alive server on 127.0.0.1 in a child process (one core each on 2 cores), each library's default fetch (undici); ${loop[0].settings.rounds} interleaved rounds of ${loop[0].settings.ms} ms (bounded to ${loop[0].settings.maxCalls} calls) per library and concurrency; wall-clock req/s, median; ratios are medians of per-round ratios. Client CPU µs/req is this process's CPU time per request, which a busy machine disturbs less than req/s.`,
  );

  // Size
  const size = await benchSize({ smoke });
  const kySize = size.rows.find((r) => r.name.startsWith("ky "));
  for (const r of size.rows) {
    const target = r.budget ? `≤ ${(r.budget / 1000).toFixed(1)} KB ${verdict(r.gzip <= r.budget)}` : "";
    const vsKy = kySize ? x(r.gzip / kySize.gzip) : "";
    const lazy = r.lazy ? `, + ${(r.lazy / 1000).toFixed(2)} KB min loaded lazily` : "";
    row("size, min+gzip", r.name, `${(r.gzip / 1000).toFixed(2)} KB (${(r.min / 1000).toFixed(2)} KB min${lazy})`, vsKy, "", target);
  }
  for (const c of size.checks) row("size, tree-shaking", c.name, c.detail, "", "", verdict(c.ok));
  notes.push(
    "size: esbuild bundle of bench/size-apps/*.js, minify, platform browser, ESM, code splitting (chunks reached only by `import()` load lazily and are not counted); gzip level 9; 1 KB = 1000 B. The `× ky` column there is size relative to ky. `npm test` checks the same budgets with size-limit (rolldown), which gives slightly smaller figures.",
  );

  // Decoders (another helper's file)
  const decodersFile = `${ROOT}bench/decoders.mjs`;
  if (existsSync(decodersFile)) {
    const { benchDecoders } = await import(pathToFileURL(decodersFile).href);
    for (const r of await benchDecoders({ smoke })) row("decoders", r.name, `${r.mbPerSec.toFixed(1)} MB/s`, "", "", "");
  } else {
    notes.push("decoders: skipped, bench/decoders.mjs does not exist yet.");
  }

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const load1 = os.loadavg()[0];
  table.splice(2, 0, `| setup | load average (1 min) | ${load0.toFixed(2)} at start, ${load1.toFixed(2)} at end |  |  |  |`);
  const md = [
    `## Benchmarks${smoke ? " (smoke run: figures meaningless)" : ""}`,
    "",
    "| bench | case | result | × ky | × raw fetch | target |",
    "|---|---|---|---|---|---|",
    ...table,
    "",
    ...notes.map((n) => `- ${n}`),
    `- run took ${seconds} s (\`npm run bench\`).`,
    "",
  ].join("\n");
  return md;
}

try {
  const md = await main();
  if (smoke) {
    console.log(md);
    console.log("1 passed, 0 failed");
  } else {
    mkdirSync(`${ROOT}.tmp`, { recursive: true });
    writeFileSync(`${ROOT}.tmp/bench.md`, md);
    console.log(md);
    console.log("written to .tmp/bench.md");
  }
} catch (err) {
  console.error(err);
  if (smoke) console.log("0 passed, 1 failed");
  process.exit(1);
}
