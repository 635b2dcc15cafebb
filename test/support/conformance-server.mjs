#!/usr/bin/env node
// Loopback HTTP server for the conformance suite (test/conformance/suite.js).
//
// Two ports on 127.0.0.1 (the second also on [::1] when it can, since browsers may resolve
// `localhost` there): `url` = http://127.0.0.1:<port> and `altUrl` = http://localhost:<port2>,
// a different origin serving the same routes. `refusedUrl` points at a port nobody listens on.
// Every response carries CORS `*` (preflight answered, headers exposed) so browsers can call it
// from either origin. Per-test state is keyed by the `key` query parameter, so runtimes never
// collide. The server stops by itself: after `ttl` ms, and (as a CLI) when stdin closes.
//
//   import { startServer } from "./conformance-server.mjs";
//   const srv = await startServer({ distDir });   // { url, altUrl, refusedUrl, close() }
//   (distDir: where /dist/* is served from for the browsers; default dist/)
//
// What the server saw: GET /record?key=K gives { hits, requests: [{ method, path, search,
// headers, bodyLength, body, ... }], preflights: [{ path, requestMethod, requestHeaders }] }
// for every request that carried ?key=K (preflights are recorded apart, never counted as hits).
// /state is the same record. Response shapes for the matrix come from /shape (see there).
//
//   node test/support/conformance-server.mjs [port] [--ttl ms] [--stdin]   # prints one JSON line;
//   stops after --ttl (default 10 min), on SIGINT/SIGTERM, and with --stdin when stdin closes
import http from "node:http";
import net from "node:net";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";
import zlib from "node:zlib";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const STATIC_DIRS = ["dist", "test/conformance"];
const MAX_HOLD_MS = 5000; // a stalled route gives up by itself after this long

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>tierfetch conformance</title></head>
<body><p>tierfetch conformance page</p></body></html>`;

export async function startServer(options = {}) {
  const state = new Map();
  const sockets = new Set();
  const timers = new Set();
  const keyState = (key) => {
    let s = state.get(key);
    if (!s) {
      s = { hits: 0, closed: false, finished: false, requests: [], preflights: [] };
      state.set(key, s);
    }
    return s;
  };
  const later = (ms, fn) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
    return t;
  };

  const handler = (req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(`server error: ${error?.message ?? error}`);
      } else res.destroy();
    });
  };

  async function readBody(req) {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  // ?expose=none: no Access-Control-Expose-Headers (a cross-origin page sees only the
  // CORS-safelisted response headers). ?allow=a,b: a preflight allows only these request headers.
  async function readSlowly(req, ms) {
    const chunks = [];
    let since = 0;
    for await (const chunk of req) {
      chunks.push(chunk);
      since += chunk.length;
      if (since >= 65_536) {
        since = 0;
        await sleep(ms);
      }
    }
    return Buffer.concat(chunks);
  }

  function cors(req, res, q) {
    res.setHeader("access-control-allow-origin", "*");
    if (q.get("expose") !== "none") {
      res.setHeader("access-control-expose-headers", "*, retry-after, retry-after-ms, ratelimit, x-ratelimit-reset, content-length, content-encoding, etag, location, x-hits");
    }
    if (req.headers["access-control-request-private-network"]) res.setHeader("access-control-allow-private-network", "true");
  }

  async function handle(req, res) {
    const url = new URL(req.url, "http://127.0.0.1");
    const q = url.searchParams;
    const key = q.get("key");
    cors(req, res, q);

    // CORS preflight: never counted as a hit (recorded apart).
    if (req.method === "OPTIONS" && req.headers["access-control-request-method"]) {
      if (key) {
        keyState(key).preflights.push({
          path: url.pathname,
          requestMethod: req.headers["access-control-request-method"],
          requestHeaders: req.headers["access-control-request-headers"] ?? null,
        });
      }
      res.writeHead(204, {
        "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS",
        "access-control-allow-headers": q.has("allow") ? q.get("allow") : req.headers["access-control-request-headers"] || "*",
        "access-control-max-age": "600",
      });
      res.end();
      return;
    }

    // /sink?hold=ms reads nothing of the upload for that long (the socket buffers fill, then the
    // sender waits), and ?slow=ms pauses per 64 KiB read: upload progress then has steps.
    const sink = url.pathname === "/sink";
    if (sink && q.has("hold")) await sleep(Math.min(Number(q.get("hold")), MAX_HOLD_MS));
    const slow = sink ? Number(q.get("slow") ?? 0) : 0;
    const body = slow ? await readSlowly(req, slow) : await readBody(req);
    const s = key && url.pathname !== "/state" && url.pathname !== "/record" ? keyState(key) : null;
    if (s) {
      s.hits++;
      s.requests.push({
        method: req.method,
        path: url.pathname,
        search: url.search,
        headers: req.headers,
        bodyLength: body.length,
        authorization: req.headers.authorization ?? null,
        idempotencyKey: req.headers["idempotency-key"] ?? null,
        contentType: req.headers["content-type"] ?? null,
        body: body.length <= 4096 ? body.toString("utf8") : `<${body.length} bytes>`,
      });
      res.on("close", () => {
        if (!res.writableFinished) s.closed = true;
        else s.finished = true;
      });
    }
    const json = (status, value, headers = {}) => {
      const text = JSON.stringify(value);
      res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
      res.end(req.method === "HEAD" ? undefined : text);
    };
    const p = url.pathname;

    // ---- static files for the browser runners
    if (p === "/" || p === "/conformance.html") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(PAGE);
      return;
    }
    if (p === "/favicon.ico") {
      res.writeHead(204);
      res.end();
      return;
    }
    for (const dir of STATIC_DIRS) {
      if (p.startsWith(`/${dir}/`)) {
        // /dist/ may be served from a snapshot directory (options.distDir).
        const base = dir === "dist" && options.distDir ? path.resolve(options.distDir) : path.join(ROOT, dir);
        const file = path.resolve(base, "." + decodeURIComponent(p.slice(dir.length + 1)));
        if (!file.startsWith(base + path.sep)) break;
        try {
          const data = await readFile(file);
          const type = /\.(c|m)?js$/.test(file) ? "text/javascript; charset=utf-8" : "application/octet-stream";
          res.writeHead(200, { "content-type": type, "cache-control": "no-store" });
          res.end(data);
        } catch {
          res.writeHead(404, { "content-type": "text/plain" });
          res.end("not found");
        }
        return;
      }
    }

    // ---- API routes
    if (p === "/state" || p === "/record") {
      json(200, state.get(key) ?? { hits: 0, closed: false, finished: false, requests: [], preflights: [] });
      return;
    }
    if (p === "/shape") {
      await shape(req, res, q, s);
      return;
    }
    if (p === "/diff") {
      diff(req, q, body);
      return;
    }
    if (p === "/sse-seq") {
      // Hits 1..n: one event (id = the hit) with `retry: 5`, then the stream ends; later hits: 204.
      const n = Number(q.get("n") ?? 2);
      if (s.hits > n) {
        res.writeHead(204);
        res.end();
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      res.end(`retry: 5\nid: ${s.hits}\ndata: event ${s.hits}\n\n`);
      return;
    }
    if (p === "/sink") {
      json(200, { method: req.method, bodyLength: body.length, contentType: req.headers["content-type"] ?? null });
      return;
    }
    if (p === "/xhr-fetch.js") {
      // src/http/xhr-fetch.ts as a browser module, for the suite's direct xhrFetch checks.
      const esbuild = await import("esbuild");
      const source = await readFile(path.join(ROOT, "src/http/xhr-fetch.ts"), "utf8");
      const out = await esbuild.transform(source, { loader: "ts", format: "esm", target: "es2022" });
      res.writeHead(200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-store" });
      res.end(out.code);
      return;
    }
    if (p === "/json") {
      json(200, { hello: "world", n: 1, list: [1, 2, 3] });
      return;
    }
    if (p === "/text") {
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
      res.end("hello from loopback");
      return;
    }
    if (p === "/echo" || p.startsWith("/echo/")) {
      json(200, {
        method: req.method,
        path: p,
        search: url.search,
        query: [...q.entries()],
        headers: req.headers,
        body: body.toString("utf8"),
        bodyLength: body.length,
      });
      return;
    }
    if (p === "/echo-bytes") {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length });
      res.end(body);
      return;
    }
    if (p === "/status") {
      // /status?code=404&body=text, or &long=1 for "not found: " + 250 × "A" + "ZZZ"
      const code = Number(q.get("code") ?? 200);
      const text = q.get("long") ? `not found: ${"A".repeat(250)}ZZZ` : (q.get("body") ?? "");
      res.writeHead(code, { "content-type": "text/plain; charset=utf-8" });
      res.end(text);
      return;
    }
    if (p === "/flaky") {
      // /flaky?key&fail=N&status=503&ra=<Retry-After>&rams=<retry-after-ms>&rl&xrl: first N hits fail.
      // &close=1: every answer closes its connection, so a burst leaves no idle keep-alive
      // connections behind (a runtime resends a request itself when a reused one breaks).
      const fail = Number(q.get("fail") ?? 1);
      if (q.has("close")) res.setHeader("connection", "close");
      if (s.hits <= fail) {
        const headers = { "content-type": "text/plain" };
        if (q.has("ra")) headers["retry-after"] = q.get("ra");
        if (q.has("rams")) headers["retry-after-ms"] = q.get("rams");
        // &rl=<RateLimit field>, &xrl=<X-RateLimit-Reset>: rate-limit headers instead.
        if (q.has("rl")) headers.ratelimit = q.get("rl");
        if (q.has("xrl")) headers["x-ratelimit-reset"] = q.get("xrl");
        res.writeHead(Number(q.get("status") ?? 503), headers);
        res.end(`failing ${s.hits}/${fail}`);
        return;
      }
      json(200, { ok: true, hits: s.hits });
      return;
    }
    if (p === "/auth") {
      // 401 unless the token is "fresh".
      if (req.headers.authorization !== "Bearer fresh") {
        json(401, { error: "stale token" });
        return;
      }
      json(200, { ok: true, hits: s?.hits ?? 0 });
      return;
    }
    if (p === "/stall") {
      // Never answers (until the client goes away or MAX_HOLD_MS passes).
      const t = later(MAX_HOLD_MS, () => res.destroy());
      res.on("close", () => clearTimeout(t));
      return;
    }
    if (p === "/stall-first") {
      // The first hit never answers (a hedged copy's chance); every later one answers at once.
      if (s.hits > 1) return json(200, { ok: true, hits: s.hits });
      const t = later(MAX_HOLD_MS, () => res.destroy());
      res.on("close", () => clearTimeout(t));
      return;
    }
    if (p === "/stall-body") {
      // Headers and one line, then silence (?nosniff=1 as /endless).
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8", ...(q.get("nosniff") ? { "x-content-type-options": "nosniff" } : {}) });
      res.write("first\n");
      const t = later(MAX_HOLD_MS, () => res.destroy());
      res.on("close", () => clearTimeout(t));
      return;
    }
    if (p === "/drop") {
      // Drops the connection in the middle of the response head on the first `times` hits.
      // (Some bytes are sent first: a connection closed before any byte of the response is
      // retried by browsers, Deno and Bun themselves, which would hide it from the library.)
      const times = Number(q.get("times") ?? 1);
      if (s.hits <= times) {
        req.socket.write("HTTP/1.1 200 OK\r\ncontent-type: text/pl");
        later(10, () => req.socket.destroy());
        return;
      }
      json(200, { ok: true, hits: s.hits });
      return;
    }
    if (p === "/body-break") {
      // Announces 64 bytes, sends 10, then drops the socket on the first `times` hits.
      const times = Number(q.get("times") ?? 1);
      const full = "0123456789".repeat(6) + "done";
      res.writeHead(200, { "content-type": "text/plain", "content-length": full.length });
      if (s.hits <= times) {
        res.write(full.slice(0, 10));
        later(20, () => req.socket.destroy());
        return;
      }
      res.end(full);
      return;
    }
    if (p === "/redirect") {
      res.writeHead(Number(q.get("code") ?? 302), { location: q.get("to") ?? "/json" });
      res.end();
      return;
    }
    if (p === "/loop") {
      // Redirects to itself forever.
      res.writeHead(302, { location: `/loop?key=${encodeURIComponent(key ?? "")}&n=${Number(q.get("n") ?? 0) + 1}` });
      res.end();
      return;
    }
    if (p === "/endless") {
      // A line every 10 ms until the client goes away (or MAX_HOLD_MS). ?nosniff=1: with
      // X-Content-Type-Options: nosniff (Chromium holds an XHR's response until 512 bytes
      // arrived otherwise, to sniff its type).
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8", ...(q.get("nosniff") ? { "x-content-type-options": "nosniff" } : {}) });
      let i = 0;
      const tick = setInterval(() => res.write(`line ${i++}\n`), 10);
      const stop = later(MAX_HOLD_MS, () => res.end());
      res.on("close", () => {
        clearInterval(tick);
        clearTimeout(stop);
      });
      return;
    }
    if (p.startsWith("/stream/")) {
      const kind = p.slice("/stream/".length);
      const chunks = STREAMS[kind === "ndjson" && q.get("bad") ? "ndjson-bad" : kind];
      if (!chunks) {
        json(404, { error: "no such stream" });
        return;
      }
      const type = { lines: "text/plain; charset=utf-8", ndjson: "application/x-ndjson", sse: "text/event-stream" }[kind];
      res.writeHead(200, { "content-type": type, "cache-control": "no-cache" });
      for (const chunk of chunks) {
        if (res.destroyed) return;
        res.write(typeof chunk === "string" ? Buffer.from(chunk, "utf8") : Buffer.from(chunk));
        await sleep(2);
      }
      res.end();
      return;
    }
    json(404, { error: "no route", path: p });
  }

  const listen = (server, port, host) =>
    new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve(server.address().port);
      });
    });
  const track = (server) => {
    server.on("connection", (socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    server.keepAliveTimeout = 2000;
    return server;
  };

  const main = track(http.createServer(handler));
  const port = await listen(main, options.port ?? 0, "127.0.0.1");
  const alt = track(http.createServer(handler));
  const altPort = await listen(alt, options.altPort ?? 0, "127.0.0.1");
  let alt6 = null;
  try {
    alt6 = track(http.createServer(handler));
    await listen(alt6, altPort, "::1");
  } catch {
    alt6 = null; // no IPv6 loopback here: `localhost` resolves to 127.0.0.1 only
  }
  // A port that refuses connections: bind, remember, close.
  const probe = net.createServer();
  const refusedPort = await listen(probe, 0, "127.0.0.1");
  await new Promise((r) => probe.close(r));

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    clearTimeout(ttlTimer);
    for (const t of timers) clearTimeout(t);
    for (const socket of sockets) socket.destroy();
    await Promise.all([main, alt, alt6].filter(Boolean).map((srv) => new Promise((r) => srv.close(() => r()))));
  };
  const ttlTimer = setTimeout(close, options.ttl ?? 10 * 60_000);
  ttlTimer.unref?.();

  return {
    url: `http://127.0.0.1:${port}`,
    altUrl: `http://localhost:${altPort}`,
    refusedUrl: `http://127.0.0.1:${refusedPort}/json`,
    state,
    close,
  };
}

/**
 * /diff: a response written byte for byte on the socket (then closed), for the differential
 * suite (test/conformance/differential.js), so that any status line a server may send can be:
 *   status=N    any 100–999 (default 200)
 *   rx=HEX      the reason phrase's bytes in hex (default none: "HTTP/1.1 200 ")
 *   h=name:val  a response header (repeatable: duplicates stay separate lines)
 *   loc=URL     a Location header (absent unless given)
 *   body=text   the body (default "diff body"); echo=1: JSON of the request instead
 *               ({ method, search, headers, body }, a multipart boundary replaced by BOUNDARY)
 * 1xx, 204, 205 and 304 get no body; a HEAD gets the headers only.
 */
function diff(req, q, body) {
  const status = Number(q.get("status") ?? 200);
  const reason = Buffer.from(q.get("rx") ?? "", "hex");
  // no-store: a browser would answer the second of the two same requests (300, 301, 308, 410) from its cache.
  const lines = ["access-control-allow-origin: *", "access-control-expose-headers: *", "cache-control: no-store"];
  for (const h of q.getAll("h")) lines.push(h);
  if (q.has("loc")) lines.push(`location: ${q.get("loc")}`);
  let payload;
  if (q.get("echo") === "1") {
    const type = req.headers["content-type"] ?? "";
    let text = body.toString("latin1");
    // The multipart boundary is random: from the content-type, or the body's first line when the caller set its own type.
    const boundary = /boundary=([^;]+)/.exec(type)?.[1] ?? /^--([^\r\n]{10,70})\r\n/.exec(text)?.[1];
    if (boundary) text = text.split(boundary).join("BOUNDARY");
    const headers = Object.entries(req.headers)
      .filter(([name]) => !["host", "connection", "user-agent", "accept-language", "sec-fetch-mode", "origin", "referer"].includes(name))
      // With a boundary replaced, the length says only how long the random boundary was (Firefox's varies).
      .map(([name, value]) => [name, !boundary ? value : name === "content-type" ? value.split(boundary).join("BOUNDARY") : name === "content-length" ? "(multipart)" : value])
      .sort();
    payload = Buffer.from(JSON.stringify({ method: req.method, search: new URL(req.url, "http://x").search, headers, body: text }), "latin1");
    lines.push("content-type: application/json");
  } else payload = Buffer.from(q.get("body") ?? "diff body", "utf8");
  const bodiless = status < 200 || NULL_BODY.has(status);
  if (!bodiless) lines.push(`content-length: ${payload.length}`);
  lines.push("connection: close");
  const head = Buffer.concat([Buffer.from(`HTTP/1.1 ${status} `, "latin1"), reason, Buffer.from(`\r\n${lines.join("\r\n")}\r\n\r\n`, "latin1")]);
  req.socket.end(bodiless || req.method === "HEAD" ? head : Buffer.concat([head, payload]));
}

/** The body of /shape?size=N: N bytes of a repeating, recognisable ASCII pattern. */
export function patternBody(size) {
  const unit = "0123456789abcdefghijklmnopqrstuvwxyz\n";
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

const NULL_BODY = new Set([204, 205, 304]);

/**
 * /shape: one response shape of the conformance matrix, chosen by the query.
 *   status=N        the final status (default 200)
 *   fail=N&fs=S     the first N hits answer S (default 503) with `failing i/N`, and
 *   ra=, rams=      Retry-After / retry-after-ms on those failures
 *   body=text       the body (default: a JSON summary { ok, method, hits } with content-type JSON)
 *   size=N          N bytes of patternBody() instead (text/plain)
 *   empty=1         no body at all (content-length: 0)
 *   chunked=1       sent in chunks without content-length
 *   enc=gzip|br     content-encoded (the client sees it decoded)
 *   etag=X          a 304 when If-None-Match is X, else the body with ETag: X
 *   Range: bytes=a-b on a request makes a 206 with Content-Range (of the size=N body)
 * HEAD gets the headers only; 204, 205 and 304 never get a body.
 */
async function shape(req, res, q, s) {
  const hits = s?.hits ?? 0;
  const fail = Number(q.get("fail") ?? 0);
  const headers = {};
  let status = Number(q.get("status") ?? 200);
  let text;
  if (fail > 0 && hits <= fail) {
    status = Number(q.get("fs") ?? 503);
    if (q.has("ra")) headers["retry-after"] = q.get("ra");
    if (q.has("rams")) headers["retry-after-ms"] = q.get("rams");
    headers["content-type"] = "text/plain; charset=utf-8";
    text = `failing ${hits}/${fail}`;
  } else if (q.has("size")) {
    headers["content-type"] = "text/plain; charset=utf-8";
    text = patternBody(Number(q.get("size")));
  } else if (q.has("body")) {
    headers["content-type"] = "text/plain; charset=utf-8";
    text = q.get("body");
  } else {
    headers["content-type"] = "application/json";
    text = JSON.stringify({ ok: true, method: req.method, hits });
  }
  if (q.has("etag") && hits > fail) {
    headers.etag = `"${q.get("etag")}"`;
    if (req.headers["if-none-match"] === headers.etag) status = 304;
  }
  const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? "");
  if (range && status === 200 && hits > fail) {
    const [from, to] = [Number(range[1]), Number(range[2])];
    headers["content-range"] = `bytes ${from}-${to}/${Buffer.byteLength(text)}`;
    text = Buffer.from(text).subarray(from, to + 1).toString("latin1");
    status = 206;
  }
  if (q.get("empty") || NULL_BODY.has(status)) text = "";
  let data = Buffer.from(text, status === 206 ? "latin1" : "utf8");
  const enc = q.get("enc");
  if (enc && data.length && !NULL_BODY.has(status)) {
    data = enc === "br" ? zlib.brotliCompressSync(data) : zlib.gzipSync(data);
    headers["content-encoding"] = enc;
    headers.vary = "accept-encoding";
  }
  if (NULL_BODY.has(status)) {
    delete headers["content-type"];
    if (status === 205) headers["content-length"] = "0";
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const chunked = q.get("chunked") === "1" && data.length > 0;
  if (!chunked) headers["content-length"] = String(data.length);
  res.writeHead(status, headers);
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  if (!chunked) {
    res.end(data);
    return;
  }
  const step = Math.max(1, Math.ceil(data.length / 4));
  for (let at = 0; at < data.length; at += step) {
    if (res.destroyed) return;
    res.write(data.subarray(at, at + step));
    await sleep(1);
  }
  res.end();
}

// Chunked payloads, split on purpose inside lines, inside CRLF and inside UTF-8 sequences.
const STREAMS = {
  lines: ["alpha\r", "\nbeta\n", "gam", "ma\r", "delta\n", [0x63, 0xc3], [0xa9, 0x0a], "\n", "tail"],
  // expected: alpha, beta, gamma, delta, "cé", "", tail
  ndjson: ['{"a":1}\n\n{"a"', ':2}\r\n  \n{"a":3', "}\n", '{"s":"\u00e9"}'],
  // expected: {a:1}, {a:2}, {a:3}, {s:"é"}
  "ndjson-bad": ['{"a":1}\n', "not json\n", '{"a":3}\n'],
  sse: [
    [0xef, 0xbb],
    [0xbf, ...Buffer.from(": a comment\nevent: greet\nda")],
    "ta: hello\ndata:  world\nid: 1\nretry: 1500\n",
    "\n",
    "data: second\r\n\r\n",
    "id: 2\u0000x\ndata: nul id ignored\n\n",
    "data: dropped at end",
  ],
  // expected: {greet,"hello\n world",id 1,retry 1500}, {message,"second",1}, {message,"nul id ignored",1}
};

// CLI: node test/support/conformance-server.mjs [port] [--ttl ms] [--stdin]
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const ttlAt = args.indexOf("--ttl");
  const ttl = ttlAt >= 0 ? Number(args[ttlAt + 1]) : 10 * 60_000;
  const portArg = args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== "--ttl");
  const srv = await startServer({ port: portArg ? Number(portArg) : 0, ttl });
  console.log(JSON.stringify({ url: srv.url, altUrl: srv.altUrl, refusedUrl: srv.refusedUrl }));
  const stop = () => srv.close().then(() => process.exit(0));
  if (args.includes("--stdin")) {
    // stop when the parent closes our stdin (e.g. a test runner that spawned us with a pipe)
    process.stdin.on("end", stop);
    process.stdin.on("close", stop);
    process.stdin.resume();
  }
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  setTimeout(stop, ttl).unref();
}
