// A loopback HTTP server that misbehaves on purpose, for scripts/soak.mjs.
//
// Every request carries a client-generated id in `x-request-id` (the same on every attempt of
// one logical request). For each arrival the server draws a behaviour from a seeded random
// stream keyed by (seed, id, arrival number), so a run is reproducible up to timing:
//
//   reset          reads the body, then destroys the socket (no response)
//   stall-headers  reads the body, never answers (the client's timeout must end it)
//   stall-body     sends headers and half the body, then nothing
//   partial        Content-Length larger than the body it sends, then destroys the socket
//   500            a 500 with a short JSON body
//   429, 503       with `retry-after-ms` 5–30: "not processed, try again later"
//   ok             200 with JSON echoing the request id, method and arrival number
//
// A request with `x-chaos: off` always gets "ok"; with `x-chaos: once-503` (or `once-429`), that
// status on its first arrival and "ok" after: what a check needs when it must not depend on
// which behaviours the seeded draw happened to give.
//
// "Processed": every behaviour except 429 and 503 is the processing branch — the server has
// committed the request's effect before it misbehaves. From the client's side a reset or a
// stall after the commit looks exactly like one before it, so a POST without an idempotency
// key must never be sent again after any of them; only 429 and 503 promise "not processed".
// `record.processed` counts the arrivals that took the processing branch.
//
// A stall is ended by the client's timeout (the socket closes). If the client never gives up,
// a safety net destroys the socket after `stallSafetyMs` and counts `safetyFired`.
//
//   const srv = await startChaosServer({ seed: 7 });
//   // requests to srv.url with header x-request-id; srv.records: Map<id, Record>
//   await srv.close();
import http from "node:http";
import { performance } from "node:perf_hooks";

/** Relative weights of the behaviours (the rest of 100 is "ok"). */
export const DEFAULT_WEIGHTS = Object.freeze({
  reset: 6,
  "stall-headers": 4,
  "stall-body": 4,
  partial: 6,
  500: 6,
  429: 6,
  503: 6,
});

export const BEHAVIOURS = ["ok", ...Object.keys(DEFAULT_WEIGHTS)];

/** FNV-1a over a string, then mulberry32: one float in [0, 1) per (seed, id, n), and a second one. */
export function seededRandom(seed, id, n) {
  let h = 0x811c9dc5;
  const s = `${seed}:${id}:${n}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick(weights, r) {
  let at = r * 100;
  for (const [name, w] of Object.entries(weights)) {
    if (at < w) return name;
    at -= w;
  }
  return "ok";
}

/**
 * @param {{ seed?: number|string, weights?: Record<string, number>, stallSafetyMs?: number }} [options]
 */
export async function startChaosServer(options = {}) {
  const seed = options.seed ?? 1;
  const weights = options.weights ?? DEFAULT_WEIGHTS;
  const stallSafetyMs = options.stallSafetyMs ?? 5000;
  /** @type {Map<string, ReturnType<typeof newRecord>>} */
  const records = new Map();
  const counts = Object.fromEntries(BEHAVIOURS.map((b) => [b, 0]));
  const totals = { arrivals: 0, withoutId: 0, safetyFired: 0, badBodies: 0 };
  const timers = new Set();
  const sockets = new Set();

  const newRecord = () => ({
    arrivals: 0,
    processed: 0,
    behaviours: [],
    methods: new Set(),
    /** Idempotency-Key values seen ("" for none). */
    keys: new Set(),
    /** performance.now() of each arrival (same clock as the client's, in one process). */
    times: [],
  });

  const hold = (req, res) => {
    const t = setTimeout(() => {
      timers.delete(t);
      totals.safetyFired++;
      req.socket.destroy();
    }, stallSafetyMs);
    timers.add(t);
    res.on("close", () => {
      clearTimeout(t);
      timers.delete(t);
    });
  };

  const server = http.createServer((req, res) => {
    const id = req.headers["x-request-id"];
    if (typeof id !== "string") {
      totals.withoutId++;
      res.writeHead(400, { "content-type": "application/json" }).end('{"error":"missing x-request-id"}');
      return;
    }
    let rec = records.get(id);
    if (!rec) records.set(id, (rec = newRecord()));
    const n = rec.arrivals++;
    totals.arrivals++;
    rec.times.push(performance.now());
    rec.methods.add(req.method);
    rec.keys.add(req.headers["idempotency-key"] ?? "");

    const random = seededRandom(seed, id, n);
    const mode = req.headers["x-chaos"];
    const once = mode === "once-503" ? "503" : mode === "once-429" ? "429" : undefined;
    const behaviour = mode === "off" ? "ok" : once ? (n === 0 ? once : "ok") : pick(weights, random());
    rec.behaviours.push(behaviour);
    counts[behaviour]++;
    if (behaviour !== "429" && behaviour !== "503") rec.processed++;

    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("error", () => {});
    req.on("end", () => {
      if (chunks.length) {
        // A replayed body must be the body of this request: its JSON names the same id.
        try {
          const sent = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          if (sent?.id !== id) totals.badBodies++;
        } catch {
          totals.badBodies++;
        }
      }
      const body = JSON.stringify({ id, method: req.method, arrival: n, pad: "x".repeat(64) });
      const json = { "content-type": "application/json" };
      switch (behaviour) {
        case "reset":
          req.socket.destroy();
          return;
        case "stall-headers":
          hold(req, res);
          return;
        case "stall-body":
          res.writeHead(200, { ...json, "content-length": Buffer.byteLength(body) });
          res.write(body.slice(0, body.length >> 1));
          hold(req, res);
          return;
        case "partial":
          res.writeHead(200, { ...json, "content-length": Buffer.byteLength(body) + 100 });
          res.write(body, () => req.socket.destroy());
          return;
        case "500":
          res.writeHead(500, json).end('{"error":"chaos 500"}');
          return;
        case "429":
        case "503": {
          const ms = 5 + Math.floor(random() * 26);
          res.writeHead(Number(behaviour), { ...json, "retry-after-ms": String(ms) }).end(`{"error":"chaos ${behaviour}"}`);
          return;
        }
        default:
          res.writeHead(200, json).end(body);
      }
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("clientError", (_error, socket) => socket.destroy());

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());

  return {
    url: `http://127.0.0.1:${port}`,
    records,
    counts,
    totals,
    /** Open sockets on the server side right now. */
    get openSockets() {
      return sockets.size;
    },
    /** Forgets the records and zeroes the counters (after a warm-up, before measuring the heap). */
    clear() {
      records.clear();
      for (const k of Object.keys(counts)) counts[k] = 0;
      for (const k of Object.keys(totals)) totals[k] = 0;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const closed = new Promise((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
