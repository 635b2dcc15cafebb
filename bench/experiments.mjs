#!/usr/bin/env node
// What each suspect of issue 14 costs, measured by removing it: tierfetch is built from a
// patched copy of src/ (in .tmp/exp/, src/ itself is never touched) once per variant, and every
// variant runs the in-memory request of bench/overhead.mjs in a process of its own, interleaved
// with the unpatched build and the floor. Prints each variant's CPU µs/request, GC µs/request
// and its rate relative to the unpatched build and to the floor (medians of paired rounds).
//
// A variant is a list of exact text replacements in src/ files; one that no longer applies
// (src/ changed) is reported as such and skipped, never silently measured unpatched.
//
// Usage: node bench/experiments.mjs [--both] [--rounds N] [--smoke]
//   --both: also under the pinned Node 22 (runtimes/), after this Node.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { nodeBinaries } from "./nodes.mjs";
import { FLOOR, interleave, median, spawnCallers } from "./overhead.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const EXP = `${ROOT}.tmp/exp`;
const smoke = process.argv.includes("--smoke");
const ri = process.argv.indexOf("--rounds");
const ROUNDS = ri === -1 ? (smoke ? 1 : 9) : Number(process.argv[ri + 1]);

const CLOSURE_TO_FIELDS = {
  file: "src/pipeline/attempt.ts",
  from: `              this.onAbort = (reason) => {
                reject(reason);
                response.body?.cancel(reason).catch(noop);
              };`,
  to: `              this.readReject = reject;
              this.readResponse = response;
              this.onAbort = abortRead;`,
};
const CLOSURE_FIELDS_DECL = {
  file: "src/pipeline/attempt.ts",
  from: "  onAbort: ((reason: unknown) => void) | undefined;\n",
  to: "  onAbort: ((reason: unknown) => void) | undefined;\n  readReject: any = undefined;\n  readResponse: any = undefined;\n",
};
const CLOSURE_FN = {
  file: "src/pipeline/attempt.ts",
  from: "const onTimer = (attempt: Attempt) => attempt.expire(\"attempt\");\n",
  to: "const onTimer = (attempt: Attempt) => attempt.expire(\"attempt\");\nfunction abortRead(this: any, reason: unknown): void {\n  this.readReject(reason);\n  this.readResponse.body?.cancel(reason).catch(noop);\n}\n",
};
const MICROTASK_TO_PROMISE = { file: "src/pipeline/response.ts", from: "    queueMicrotask(() => {", to: "    Promise.resolve().then(() => {" };
const NO_CLOSER_SET = [
  { file: "src/resilience/closer.ts", from: "    for (let c: Closer | undefined = this; c; c = c.#parent) c.#inflight.add(op);\n", to: "" },
  { file: "src/resilience/closer.ts", from: "    for (let c: Closer | undefined = this; c; c = c.#parent) c.#inflight.delete(op);\n", to: "" },
];

export const VARIANTS = [
  { label: "main (unpatched)", patches: [] },
  { label: "attempt.ts:167 onAbort closure -> plain fields", patches: [CLOSURE_FIELDS_DECL, CLOSURE_FN, CLOSURE_TO_FIELDS] },
  { label: "response.ts:47 queueMicrotask -> Promise.resolve().then", patches: [MICROTASK_TO_PROMISE] },
  { label: "closer.ts:37,42 no Set add/delete (upper bound: close() broken)", patches: NO_CLOSER_SET },
  { label: "all three", patches: [CLOSURE_FIELDS_DECL, CLOSURE_FN, CLOSURE_TO_FIELDS, MICROTASK_TO_PROMISE, ...NO_CLOSER_SET] },
];

/** Builds one variant; returns its entry, or a reason it could not be applied. */
async function build(variant, i) {
  const dir = `${EXP}/${i}`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(`${ROOT}src`, `${dir}/src`, { recursive: true });
  for (const p of variant.patches) {
    const file = `${dir}/${p.file}`;
    const text = readFileSync(file, "utf8");
    if (!text.includes(p.from)) return { error: `${p.file} no longer holds the text this variant replaces` };
    writeFileSync(file, text.replace(p.from, p.to));
  }
  const outfile = `${dir}/tierfetch.mjs`;
  await esbuild.build({ entryPoints: [`${dir}/src/index.ts`], bundle: true, format: "esm", platform: "neutral", target: "es2022", outfile, logLevel: "error" });
  return { entry: outfile };
}

async function run() {
  const built = [];
  for (const [i, v] of VARIANTS.entries()) built.push({ ...v, ...(await build(v, i)) });
  const ok = built.filter((b) => b.entry);
  const items = [{ name: FLOOR, label: FLOOR }, ...ok.map((b) => ({ name: "tierfetch", label: b.label, env: { TIERFETCH_ENTRY: b.entry } }))];
  const { callers, stop } = await spawnCallers(items);
  let rows;
  try {
    rows = await interleave(callers, smoke ? { rounds: 1, warmupMs: 30, settleMs: 10, ms: 40, maxCalls: 2_000, clock: "cpu" } : { rounds: ROUNDS, warmupMs: 400, settleMs: 100, ms: 300, maxCalls: 500_000, clock: "cpu" });
  } finally {
    await stop();
  }
  const by = Object.fromEntries(rows.map((r) => [r.name, r]));
  const paired = (a, b) => median(a.cpu.samples.map((v, k) => v / b.cpu.samples[k]));
  const main = by["main (unpatched)"];
  const lines = [`Node ${process.version}: ${ROUNDS} interleaved rounds, each build in its own process`, "", "| variant | CPU µs/req | GC µs/req | × main | × floor |", "|---|---|---|---|---|"];
  for (const b of built) {
    if (!b.entry) {
      lines.push(`| ${b.label} | not measured: ${b.error} | | | |`);
      continue;
    }
    const r = by[b.label];
    lines.push(`| ${b.label} | ${(1e6 / r.cpu.rps).toFixed(2)} | ${r.gcUs.toFixed(2)} | ${paired(r, main).toFixed(2)}× | ${paired(r, by[FLOOR]).toFixed(2)}× |`);
  }
  const f = by[FLOOR];
  lines.push(`| floor | ${(1e6 / f.cpu.rps).toFixed(2)} | ${f.gcUs.toFixed(2)} | | 1.00× |`);
  return lines.join("\n");
}

const md = await run();
console.log(md);
if (process.argv.includes("--both")) {
  const args = process.argv.slice(2).filter((a) => a !== "--both");
  for (const bin of nodeBinaries().slice(1)) {
    console.log();
    spawnSync(bin, [fileURLToPath(import.meta.url), ...args], { stdio: "inherit" });
  }
}
