#!/usr/bin/env node
// A/B of the working tree's src/ against a git revision's (HEAD by default): both built the way
// bench/profile.mjs builds (esbuild, one ESM file), each run in a process of its own beside the
// floor, rounds interleaved, under this Node and the pinned Node 22. Prints CPU µs/request, GC
// µs/request, and the paired ratios new/base and each/floor (medians of per-round ratios): the
// figure to judge one change by, measured seconds apart on the same machine.
//
// Usage: node bench/ab.mjs [--base REV] [--new-src DIR] [--rounds N] [--loopback CONCURRENCY] [--node20|--node22] [--call json|response|fetch]
//   --call: how tierfetch is called (bench/overhead.mjs): .json() chained (default), the Response read, api.fetch
//   --new-src: build "new" from DIR (a patched copy of src/, for a change to try without editing src/)
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { startServer } from "./loopback.mjs";
import { nodeBinaries } from "./nodes.mjs";
import { FLOOR, interleave, median, spawnCallers } from "./overhead.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIR = `${ROOT}.tmp/ab`;
const argOf = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : process.argv[i + 1];
};
const BASE = argOf("--base", "HEAD");
const NEW_SRC = argOf("--new-src", `${ROOT}src`);
const ROUNDS = Number(argOf("--rounds", 9));
const LOOPBACK = argOf("--loopback", undefined);
const child = process.argv.includes("--child");
const CALL = argOf("--call", undefined);
if (CALL) process.env.TIERFETCH_CALL = CALL;

async function build(srcDir, outfile) {
  await esbuild.build({ entryPoints: [`${srcDir}/index.ts`], bundle: true, format: "esm", platform: "neutral", target: "es2022", outfile, logLevel: "error" });
  return outfile;
}

async function buildBoth() {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(`${DIR}/base`, { recursive: true });
  // The base revision's src/, as git holds it.
  execFileSync("sh", ["-c", `git archive ${BASE} src | tar -x -C ${DIR}/base`], { cwd: ROOT });
  return { base: await build(`${DIR}/base/src`, `${DIR}/base.mjs`), next: await build(NEW_SRC, `${DIR}/new.mjs`) };
}

async function measure({ base, next }) {
  const server = LOOPBACK ? await startServer() : undefined;
  const items = [{ name: FLOOR }, { name: "tierfetch", label: "base", env: { TIERFETCH_ENTRY: base } }, { name: "tierfetch", label: "new", env: { TIERFETCH_ENTRY: next } }];
  const { callers, stop } = await spawnCallers(items, server ? { base: server.base } : {});
  const workers = LOOPBACK ? Number(LOOPBACK) : 1;
  let rows;
  try {
    rows = await interleave(callers, { rounds: ROUNDS, warmupMs: 400, settleMs: 100, ms: LOOPBACK ? 600 : 300, maxCalls: 500_000, workers, clock: "cpu" });
  } finally {
    await stop();
    await server?.stop();
  }
  const by = Object.fromEntries(rows.map((r) => [r.name, r]));
  const paired = (a, b) => median(a.cpu.samples.map((v, k) => v / b.cpu.samples[k]));
  const us = (r) => (1e6 / r.cpu.rps).toFixed(2);
  return [
    `Node ${process.version}${LOOPBACK ? `, loopback c=${LOOPBACK}` : ", in-memory"}: ${ROUNDS} rounds; base = ${BASE}; call ${process.env.TIERFETCH_CALL ?? "json"}`,
    `  floor ${us(by.floor)} µs  base ${us(by.base)} µs (${paired(by.base, by.floor).toFixed(3)}× floor, GC ${by.base.gcUs.toFixed(2)})  new ${us(by.new)} µs (${paired(by.new, by.floor).toFixed(3)}× floor, GC ${by.new.gcUs.toFixed(2)})  new/base ${paired(by.new, by.base).toFixed(3)}×`,
  ].join("\n");
}

if (child) {
  console.log(await measure({ base: argOf("--base-entry"), next: argOf("--new-entry") }));
} else {
  const built = await buildBoth();
  const bins = nodeBinaries().filter((b, i) => (process.argv.includes("--node20") ? i === 0 : process.argv.includes("--node22") ? i > 0 : true));
  const rest = process.argv.slice(2);
  for (const bin of bins) spawnSync(bin, [fileURLToPath(import.meta.url), ...rest, "--child", "--base-entry", built.base, "--new-entry", built.next], { stdio: "inherit", cwd: ROOT });
}
