// Hedge bench: what `hedge: { after: "p90" }` does to tail latency, and what it costs in load.
// A node:http server on 127.0.0.1 (in this process) answers in 5 ms, except one request in 10
// (every tenth it receives, hedged copies included), which takes 1.5 s. The same bounded run
// of requests (concurrency 10) goes once without hedging and once with it; p50 / p99 latency
// of the calls, and the requests the server received (calls + hedged copies).
//
// Run alone: node bench/hedge.mjs [--smoke]   (needs dist/: npx tsup)
import { createServer } from "node:http";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SLOW_MS = 1500;
const FAST_MS = 5;

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function startServer() {
  let received = 0;
  const timers = new Set();
  const server = createServer((req, res) => {
    const slow = ++received % 10 === 0;
    const t = setTimeout(() => {
      timers.delete(t);
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    }, slow ? SLOW_MS : FAST_MS);
    timers.add(t);
    res.on("close", () => (clearTimeout(t), timers.delete(t)));
  });
  server.keepAliveTimeout = 5_000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    received: () => received,
    reset: () => (received = 0),
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))),
  };
}

async function runOnce(createClient, url, options, calls, concurrency) {
  const api = createClient({ baseUrl: url, retry: 0, ...options });
  const times = [];
  let next = 0;
  const worker = async () => {
    while (next < calls) {
      next++;
      const t0 = performance.now();
      await api.get("item").json();
      times.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await api.close();
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99), stats: api.stats };
}

/**
 * Rows { name, calls, p50, p95, p99, requests, hedges }. A copy is itself slow 1 time in 10, so
 * about 1 call in 100 meets two slow requests: p99 of a few hundred calls sits on that edge with one
 * copy (`max: 1`); a second copy (`max: 2`) takes it below.
 */
export async function benchHedge({ smoke = false } = {}) {
  const entry = process.env.TIERFETCH_ENTRY ?? `${ROOT}dist/index.js`;
  const { createClient } = await import(pathToFileURL(entry).href);
  const calls = smoke ? 40 : 200;
  const server = await startServer();
  const rows = [];
  try {
    for (const [name, options] of [
      ["no hedging", {}],
      ['hedge: { after: "p90" }', { hedge: { after: "p90" } }],
      ['hedge: { after: "p90", max: 2 }', { hedge: { after: "p90", max: 2 } }],
    ]) {
      server.reset();
      const r = await runOnce(createClient, server.url, options, calls, 10);
      rows.push({ name, calls, p50: r.p50, p95: r.p95, p99: r.p99, requests: server.received(), hedges: r.stats.hedges ?? 0 });
    }
  } finally {
    await server.close();
  }
  return { slowMs: SLOW_MS, fastMs: FAST_MS, concurrency: 10, rows };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { rows } = await benchHedge({ smoke: process.argv.includes("--smoke") });
  for (const r of rows) console.log(`${r.name.padEnd(34)} p50 ${r.p50.toFixed(1)} ms  p95 ${r.p95.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  requests ${r.requests} for ${r.calls} calls (${r.hedges} hedged copies)`);
}
