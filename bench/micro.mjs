#!/usr/bin/env node
// Micro-costs of the suspects named in issue 14, each alone, in ns per operation (median of
// several runs), for bench/profile.mjs to print beside the profile. tierfetch's own functions
// come from src/ through a throwaway esbuild bundle (.tmp/prof/internals.mjs), so this measures
// the code as it is now. Isolated costs leave out what a real request adds (GC pressure,
// pretenuring, inline caches shared with other code): read them as orders of magnitude.
//
// Usage: node bench/micro.mjs [--json] [--smoke]
import { mkdirSync, rmSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as esbuild from "esbuild";
import { median } from "./overhead.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const smoke = process.argv.includes("--smoke");
const N = smoke ? 2_000 : 200_000;
const RUNS = smoke ? 1 : 7;

async function internals() {
  mkdirSync(`${ROOT}.tmp/prof`, { recursive: true });
  const outfile = `${ROOT}.tmp/prof/internals-${process.pid}.mjs`;
  await esbuild.build({
    stdin: {
      contents: [
        'export { joinUrl, appendQuery, normaliseQuery, parseBaseUrl } from "./src/http/url.ts";',
        'export { mergeHeaders } from "./src/http/headers.ts";',
        'export { Closer } from "./src/resilience/closer.ts";',
      ].join("\n"),
      resolveDir: ROOT,
      sourcefile: "internals.ts",
      loader: "ts",
    },
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    outfile,
    logLevel: "warning",
  });
  try {
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(outfile, { force: true });
  }
}

/** ns per op of a synchronous `fn(i)`, median of RUNS runs of N ops. */
function sync(fn) {
  const times = [];
  let sink = 0;
  for (let r = 0; r < RUNS + 1; r++) {
    const t0 = performance.now();
    for (let i = 0; i < N; i++) sink ^= fn(i) ? 1 : 0;
    if (r) times.push(((performance.now() - t0) * 1e6) / N); // run 0 warms up
  }
  globalThis.__sink = sink;
  return median(times);
}

/** ns per scheduled callback of `schedule(cb)`, in batches of 1000 awaited together. */
async function scheduled(schedule) {
  const times = [];
  for (let r = 0; r < RUNS + 1; r++) {
    const t0 = performance.now();
    for (let b = 0; b < N / 1000; b++) {
      await new Promise((resolve) => {
        let left = 1000;
        const cb = () => {
          if (--left === 0) resolve();
        };
        for (let i = 0; i < 1000; i++) schedule(cb);
      });
    }
    if (r) times.push(((performance.now() - t0) * 1e6) / N);
  }
  return median(times);
}

export async function benchMicro() {
  const tf = await internals();
  const base = tf.parseBaseUrl("http://api.bench.test/v1/");
  const query = { page: 2 };
  const headers = { "x-request-id": "bench-1" };
  const closer = new tf.Closer();
  const resolved = Promise.resolve();
  // An intrusive doubly-linked list: what a Closer could keep instead of a Set.
  const list = { next: null, prev: null };
  list.next = list.prev = list;
  const rows = [
    ["queueMicrotask(cb) (src/pipeline/response.ts:47 per request)", await scheduled((cb) => queueMicrotask(cb))],
    ["Promise.resolve().then(cb)", await scheduled((cb) => Promise.prototype.then.call(Promise.resolve(), cb))],
    ["resolvedPromise.then(cb) (one shared resolved promise)", await scheduled((cb) => resolved.then(cb))],
    ["Closer track + release, a Set (src/resilience/closer.ts:37,42)", sync(() => {
      const op = { abort() {} };
      closer.track(op);
      closer.release(op);
      return op;
    })],
    ["intrusive list insert + remove (fields on the attempt)", sync(() => {
      const op = { next: list.next, prev: list };
      list.next.prev = op;
      list.next = op;
      op.prev.next = op.next;
      op.next.prev = op.prev;
      return op;
    })],
    ["URL: joinUrl + normaliseQuery + appendQuery (src/http/url.ts, src/pipeline/call.ts:63)", sync(() => tf.appendQuery(tf.joinUrl(base, "users"), tf.normaliseQuery(query, undefined)).length)],
    ["URL: new URL + searchParams.set + href (what raw fetch does)", sync(() => {
      const u = new URL("users", "http://api.bench.test/v1/");
      u.searchParams.set("page", "2");
      return u.href.length;
    })],
    ["URL: string concatenation, plain path + plain query (a fast path)", sync(() => `${base.href}/${"users"}?page=${String(query.page)}`.length)],
    ["headers: mergeHeaders(client, request) (src/http/headers.ts:40, src/pipeline/call.ts:74)", sync(() => tf.mergeHeaders(undefined, headers))],
    ["new AbortController() + .signal", sync(() => new AbortController().signal)],
    ["setTimeout + clearTimeout (30 s)", sync(() => {
      clearTimeout(setTimeout(noop, 30_000));
      return 1;
    })],
    ["closure capturing 2 values (src/pipeline/attempt.ts:167 style)", sync((i) => {
      const holder = { onAbort: undefined };
      holder.onAbort = (reason) => i + reason;
      return holder;
    })],
  ];
  return { node: process.version, n: N, runs: RUNS, rows: rows.map(([name, ns]) => ({ name, ns })) };
}

function noop() {}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await benchMicro();
  if (process.argv.includes("--json")) console.log(JSON.stringify(result));
  else for (const r of result.rows) console.log(`${r.ns.toFixed(1).padStart(8)} ns  ${r.name}`);
}
