// Overhead bench: requests per CPU-second through an in-memory fetch, so the only work measured
// is each client's own (URL building, header merging, options, signals, response parsing).
//
// Every library makes the same request: a client with a base URL, one query parameter and one
// custom header per request, a JSON response parsed. The fetch they are given returns a fresh
// `new Response(JSON)` per call. The baseline that matters is the FLOOR: raw fetch plus what any
// client enforcing a per-attempt timeout needs (one AbortController, one setTimeout and its
// clearTimeout per request).
//
// Measured as a user's process runs: each library in a process of its own (bench/caller.mjs:
// its own heap, GC and pretenuring state, no other library's garbage or inline caches), no
// forced GC. Rounds are interleaved across libraries (one process runs at a time, the order
// rotates every round) so the machine's drift hits all alike; every slice first runs unmeasured
// for a moment, then measured. Each slice records the GC pauses (v8.GCProfiler) that fell
// inside it.
//
// Run alone: node bench/overhead.mjs [--smoke] [--json]      (one library alone: bench/profile-run.mjs)
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import v8 from "node:v8";

export const BASE = "http://api.bench.test/v1/";
export const PATH = "users";
export const QUERY = { page: 2 };
export const HEADER = ["x-request-id", "bench-1"];
export const BODY = JSON.stringify({ id: 42, name: "Ada Lovelace", email: "ada@example.com", roles: ["admin", "dev"], active: true });
export const EXPECTED_URL = `${BASE}${PATH}?page=2`;
/** The baseline's name: raw fetch + one AbortController + one timer per request. */
export const FLOOR = "floor";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The tierfetch build under test: dist/index.js, or $TIERFETCH_ENTRY (a path) when set. */
export async function loadTierfetch() {
  const entry = process.env.TIERFETCH_ENTRY ?? `${ROOT}dist/index.js`;
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npx tsup\` first`);
  return import(pathToFileURL(entry).href);
}

/** The in-memory fetch: a ready JSON Response, created fresh per call. */
export function memoryFetch() {
  return Promise.resolve(new Response(BODY, { status: 200, headers: { "content-type": "application/json" } }));
}

/**
 * One caller per library (`only`: just that one). `fetchImpl` undefined means "the library's
 * default fetch" (globalThis.fetch), used by the loopback bench. Each `call()` makes one request
 * and resolves with the parsed JSON body.
 * @returns {Promise<{ name: string, call: () => Promise<unknown> }[]>}
 */
export async function makeCallers({ fetchImpl, base = BASE, only } = {}) {
  const [hName, hValue] = HEADER;
  const fetchFn = fetchImpl ?? ((input, init) => globalThis.fetch(input, init));
  const withFetch = (o) => (fetchImpl ? { ...o, fetch: fetchImpl } : o);
  /** name -> a factory of its call; a library is imported only when its caller is made. */
  const factories = {
    "raw fetch": async () => async () => {
      const url = new URL(PATH, base);
      url.searchParams.set("page", String(QUERY.page));
      const res = await fetchFn(url.href, { headers: { [hName]: hValue } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return res.json();
    },
    // What a careful hand-written call does for a timeout: the baseline for tierfetch's tiers.
    [FLOOR]: async () => async () => {
      const url = new URL(PATH, base);
      url.searchParams.set("page", String(QUERY.page));
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 30_000);
      try {
        const res = await fetchFn(url.href, { headers: { [hName]: hValue }, signal: controller.signal });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        return await res.json();
      } finally {
        clearTimeout(timer);
      }
    },
    // $TIERFETCH_CALL (bench/ab.mjs --call): "json" (default) the buffered shortcut; "response"
    // the Response read by the caller; "fetch" api.fetch (both hand over a watched body).
    tierfetch: async () => {
      const client = (await loadTierfetch()).createClient(withFetch({ baseUrl: base }));
      const shape = process.env.TIERFETCH_CALL ?? "json";
      if (shape === "response") return async () => (await client.get(PATH, { query: QUERY, headers: { [hName]: hValue } })).json();
      if (shape === "fetch") {
        return async () => {
          const url = new URL(PATH, base);
          url.searchParams.set("page", String(QUERY.page));
          return (await client.fetch(url.href, { headers: { [hName]: hValue } })).json();
        };
      }
      return () => client.get(PATH, { query: QUERY, headers: { [hName]: hValue } }).json();
    },
    ky: async () => {
      const client = (await import("ky")).default.create(withFetch({ baseUrl: base }));
      return () => client.get(PATH, { searchParams: QUERY, headers: { [hName]: hValue } }).json();
    },
    ofetch: async () => {
      const client = (await import("ofetch")).ofetch.create({ baseURL: base }, fetchImpl ? { fetch: fetchImpl } : {});
      return () => client(PATH, { query: QUERY, headers: { [hName]: hValue } });
    },
    axios: async () => {
      const client = (await import("axios")).default.create({ baseURL: base, adapter: "fetch", ...(fetchImpl ? { env: { fetch: fetchImpl } } : {}) });
      return async () => (await client.get(PATH, { params: QUERY, headers: { [hName]: hValue } })).data;
    },
  };
  const names = Object.keys(factories).filter((n) => only === undefined || n === only);
  return Promise.all(names.map(async (name) => ({ name, call: await factories[name]() })));
}

/**
 * Checks that every library really sends the request shape (URL with the query, the header)
 * and parses the body, so that none of them looks fast by skipping work.
 */
export async function validateCallers() {
  const seen = [];
  const recording = (input, init) => {
    const isReq = typeof input === "object" && input !== null && "url" in input && typeof input.url === "string";
    const url = isReq ? input.url : String(input);
    const headers = new Headers(isReq ? input.headers : undefined);
    if (init?.headers) new Headers(init.headers).forEach((v, k) => headers.set(k, v));
    seen.push({ url, header: headers.get(HEADER[0]) });
    return memoryFetch();
  };
  const callers = await makeCallers({ fetchImpl: recording });
  const expected = JSON.parse(BODY);
  for (const c of callers) {
    seen.length = 0;
    const out = await c.call();
    const got = seen[0];
    if (seen.length !== 1) throw new Error(`${c.name}: ${seen.length} fetch calls, expected 1`);
    if (got.url !== EXPECTED_URL) throw new Error(`${c.name}: sent ${got.url}, expected ${EXPECTED_URL}`);
    if (got.header !== HEADER[1]) throw new Error(`${c.name}: header ${HEADER[0]} was ${got.header}`);
    if (JSON.stringify(out) !== JSON.stringify(expected)) throw new Error(`${c.name}: parsed ${JSON.stringify(out)}`);
  }
  return callers.map((c) => c.name);
}

/**
 * Runs `workers` chains of sequential calls until `ms` have passed or `maxCalls` were made.
 * Returns calls per wall-clock second, calls per CPU-second of this process (disturbed far less
 * by other processes on a busy machine: for the in-memory bench the client is all the work there
 * is, for the loopback bench it is the client's own cost per request), and the GC pause time
 * and full GCs that fell inside it.
 * @returns {Promise<{ wall: number, cpu: number, gcMs: number, major: number, made: number }>}
 */
export async function slice(call, { ms, maxCalls = Infinity, workers = 1 }) {
  let made = 0;
  // GC pauses inside the slice, recorded natively (v8.GCProfiler: no JS runs per GC, unlike a
  // PerformanceObserver, whose per-entry cost would weigh on the libraries that collect most).
  const gcProfiler = new v8.GCProfiler();
  gcProfiler.start();
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  const end = start + ms;
  const chain = async () => {
    while (made < maxCalls && performance.now() < end) {
      made++;
      await call();
    }
  };
  const chains = [];
  for (let i = 0; i < workers; i++) chains.push(chain());
  await Promise.all(chains);
  const { user, system } = process.cpuUsage(cpu0);
  const stop = performance.now();
  let gcMs = 0;
  let major = 0;
  for (const e of gcProfiler.stop().statistics) {
    gcMs += e.cost / 1000; // µs
    if (e.gcType === "MarkSweepCompact") major++;
  }
  return { wall: made / ((stop - start) / 1000), cpu: made / ((user + system) / 1e6), gcMs, major, made };
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Median over rounds of a's figure divided by b's in the same round (`clock`: "wall" or "cpu").
 * Pairing within a round cancels most of the machine's drift between rounds.
 */
export const pairedRatio = (a, b, clock = a.clock) => median(a[clock].samples.map((x, i) => x / b[clock].samples[i]));

/**
 * One process per library (bench/caller.mjs), each making the request of `makeCallers`: with
 * `base`, over the loopback with the library's default fetch, else through the in-memory fetch.
 * Resolves when every one is ready; `stop()` ends them all.
 * @returns {Promise<{ callers: { name: string, run: (opts: object) => Promise<object> }[], stop: () => Promise<void> }>}
 */
export async function spawnCallers(names, { base } = {}) {
  const callers = await Promise.all(
    names.map(
      (item) =>
        new Promise((resolve, reject) => {
          // An item is a caller's name, or { label, name, env } (bench/experiments.mjs: the same
          // caller with another build, reported under its label).
          const { name, label = name, env } = typeof item === "string" ? { name: item } : item;
          const child = spawn(process.execPath, [fileURLToPath(new URL("./caller.mjs", import.meta.url)), name, ...(base ? [base] : [])], {
            stdio: ["pipe", "pipe", "inherit"],
            env: { ...process.env, ...env },
          });
          const waiting = [];
          let ready = false;
          const lines = createInterface({ input: child.stdout });
          lines.on("line", (line) => {
            if (!ready) {
              ready = line === "ready";
              if (ready) resolve({ name: label, child, run, exited });
              return;
            }
            waiting.shift()?.resolve(JSON.parse(line));
          });
          const exited = new Promise((done) =>
            child.once("exit", (code) => {
              const err = new Error(`bench/caller.mjs ${name} exited (${code})`);
              if (!ready) reject(err);
              for (const w of waiting.splice(0)) w.reject(err);
              done();
            }),
          );
          const run = (opts) =>
            new Promise((res, rej) => {
              waiting.push({ resolve: res, reject: rej });
              child.stdin.write(`${JSON.stringify(opts)}\n`);
            });
        }),
    ),
  );
  return {
    callers,
    stop: async () => {
      for (const c of callers) c.child.stdin.end();
      await Promise.all(callers.map((c) => c.exited));
    },
  };
}

/**
 * Interleaved rounds: each round runs every caller once, in an order rotated per round (a
 * caller with `run(opts)` runs its slices elsewhere, see spawnCallers; else `call` runs here). Each
 * slice runs `settleMs` unmeasured first (the previous caller's garbage is collected there, and
 * this caller's own steady state of allocation and GC is reached), then `ms` measured. No forced
 * GC: every library pays for its own garbage, as in a real process. `clock` picks the figure
 * that `rps` reports ("wall" or "cpu"); both are kept. GC figures are totals over every
 * measured slice (full GCs are too rare for a per-slice median): µs of GC pause per request and
 * full (mark-compact) GCs per 1,000 requests.
 * @returns {Promise<{ name: string, clock: string, rps: number, wall: { rps: number, samples: number[] }, cpu: { rps: number, samples: number[] }, gcUs: number, majorPer1k: number }[]>}
 */
export async function interleave(callers, { rounds, warmupMs, settleMs = 0, ms, maxCalls, workers = 1, clock = "wall" }) {
  const samples = new Map(callers.map((c) => [c.name, { wall: [], cpu: [], gcMs: 0, major: 0, made: 0 }]));
  const run = (c, opts) => (c.run ? c.run(opts) : slice(c.call, opts));
  for (const c of callers) await run(c, { ms: warmupMs, maxCalls, workers });
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < callers.length; i++) {
      const c = callers[(i + r) % callers.length];
      if (settleMs) await run(c, { ms: settleMs, maxCalls, workers });
      const out = await run(c, { ms, maxCalls, workers });
      const s = samples.get(c.name);
      s.wall.push(out.wall);
      s.cpu.push(out.cpu);
      s.gcMs += out.gcMs;
      s.major += out.major;
      s.made += out.made;
    }
  }
  return callers.map((c) => {
    const s = samples.get(c.name);
    const w = { rps: median(s.wall), samples: s.wall };
    const u = { rps: median(s.cpu), samples: s.cpu };
    return { name: c.name, clock, rps: clock === "cpu" ? u.rps : w.rps, wall: w, cpu: u, gcUs: (s.gcMs * 1000) / s.made, majorPer1k: (s.major * 1000) / s.made };
  });
}

/** @returns {Promise<{ rows: { name: string, rps: number, samples: number[] }[], settings: object }>} */
export async function benchOverhead({ smoke = false } = {}) {
  const names = await validateCallers();
  const { callers, stop } = await spawnCallers(names);
  const settings = smoke
    ? { rounds: 1, warmupMs: 20, settleMs: 0, ms: 30, maxCalls: 2_000, clock: "cpu" }
    : { rounds: 15, warmupMs: 400, settleMs: 50, ms: 200, maxCalls: 500_000, clock: "cpu" };
  try {
    return { rows: await interleave(callers, settings), settings };
  } finally {
    await stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { rows } = await benchOverhead({ smoke: process.argv.includes("--smoke") });
  const floor = rows.find((r) => r.name === FLOOR);
  if (process.argv.includes("--json")) console.log(JSON.stringify(rows));
  else
    for (const r of rows)
      console.log(`${r.name.padEnd(10)} ${Math.round(r.rps).toString().padStart(8)} req/CPU-s  ${pairedRatio(r, floor).toFixed(2)}x floor  ${(1e6 / r.rps).toFixed(2)} µs/req  GC ${r.gcUs.toFixed(2)} µs/req  ${r.majorPer1k.toFixed(2)} full GCs/1k req`);
}
