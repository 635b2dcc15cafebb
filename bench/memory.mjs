// Memory bench: the JavaScript heap each in-flight request, and each open SSE stream, holds.
//
// A loopback server (a child process) holds every response until told to release them. Each
// library runs in a process of its own (node --expose-gc): it starts N requests at once with the
// library's default fetch (Node's undici), and once the server has received all N (for streams:
// once the client has read the first event of each), the heap is measured after two full GCs;
// the figure is (heap then - heap before the requests) / N. Everything the request holds counts:
// undici's socket and parser state (the same for every library), the library's own objects, the
// timers and signals of its timeout. Then the server releases the responses, and every one of
// them must complete (or, for streams, end) for the figure to be reported.
//
// Requests: the overhead bench's GET (base URL, a query, a header, JSON parsed), with a timeout
// long enough for 10,000 connections to open on a busy machine (tierfetch's "long" tier, ky's and
// ofetch's `timeout` at 6 min; the floor sets its own AbortController + 6 min timer). Streams: `GET /v1/stream` (text/event-stream), the
// first event read through the library's SSE path (tierfetch `.sse()`; for the others, the body
// through TextDecoderStream + eventsource-parser's EventSourceParserStream, as their docs suggest),
// then the stream is kept open.
//
// Usage: node bench/memory.mjs [--smoke] [--n N] [--only name,name]
//        (one library: node --expose-gc bench/memory.mjs --client <name> <base> <n> <mode>)
import { fork } from "node:child_process";
import { createServer } from "node:http";
import { fileURLToPath, pathToFileURL } from "node:url";

const FILE = fileURLToPath(import.meta.url);
const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const MEMORY_LIBS = ["floor", "tierfetch", "ky", "ofetch"];
const TIMEOUT_MS = 6 * 60_000;
const BODY = JSON.stringify({ id: 42, name: "Ada Lovelace", email: "ada@example.com", roles: ["admin", "dev"], active: true });

/** Server: holds every response until the parent sends "release"; tells the parent how many it holds. */
function serve() {
  const held = [];
  let expected = Infinity;
  const server = createServer((req, res) => {
    const stream = req.url?.startsWith("/v1/stream");
    if (stream) {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      res.write(`event: message\nid: 1\ndata: ${BODY}\n\n`);
    }
    held.push({ res, stream });
    if (held.length === expected) process.send({ held: held.length });
  });
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 120_000;
  server.requestTimeout = 0;
  server.listen({ port: 0, host: "127.0.0.1", backlog: 16_384 }, () => process.send({ port: server.address().port }));
  process.on("message", (m) => {
    if (m.expect !== undefined) {
      expected = m.expect;
      held.length = 0;
      if (expected === 0) process.send({ held: 0 });
    } else if (m.release) {
      for (const { res, stream } of held.splice(0)) {
        if (stream) res.end();
        else {
          res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(BODY) });
          res.end(BODY);
        }
      }
    }
  });
}

/** The request (or stream opening) of each library; resolves when it is complete, or for a stream once its first event is read (with a `finish` to read the rest). */
async function makeCall(name, base) {
  const { EventSourceParserStream } = await import("eventsource-parser/stream");
  const firstEvent = async (body) => {
    const reader = body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader();
    const first = await reader.read();
    if (first.done) throw new Error("stream ended before its first event");
    return { finish: async () => { while (!(await reader.read()).done); } };
  };
  const url = `${base}users?page=2`;
  const headers = { "x-request-id": "bench-1" };
  if (name === "floor") {
    return {
      request: async () => {
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
        try {
          const res = await fetch(url, { headers, signal: controller.signal });
          return await res.json();
        } finally {
          clearTimeout(timer);
        }
      },
      stream: async () => firstEvent((await fetch(`${base}stream`)).body),
    };
  }
  if (name === "tierfetch") {
    const { createClient, sse } = await import(pathToFileURL(process.env.TIERFETCH_ENTRY ?? `${ROOT}dist/index.js`).href);
    const client = createClient({ baseUrl: base });
    return {
      request: () => client.get("users", { query: { page: 2 }, headers, timeout: "long" }).json(),
      stream: async () => {
        const events = sse(client.get("stream", { timeout: "none" }));
        const first = await events.next();
        if (first.done) throw new Error("stream ended before its first event");
        return { finish: async () => { while (!(await events.next()).done); } };
      },
    };
  }
  if (name === "ky") {
    const api = (await import("ky")).default.create({ baseUrl: base, timeout: TIMEOUT_MS });
    return {
      request: () => api.get("users", { searchParams: { page: 2 }, headers }).json(),
      stream: async () => firstEvent((await api.get("stream", { timeout: false })).body),
    };
  }
  if (name === "ofetch") {
    const api = (await import("ofetch")).ofetch.create({ baseURL: base, timeout: TIMEOUT_MS });
    return {
      request: () => api("users", { query: { page: 2 }, headers }),
      stream: async () => firstEvent(await api("stream", { responseType: "stream", timeout: 0 })),
    };
  }
  throw new Error(`no memory caller named ${name}`);
}

function heap() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

/** Client process: measures one library, talking to the parent over IPC. */
async function client(name, base, n, mode) {
  const call = await makeCall(name, base);
  const ask = (msg) => new Promise((resolve) => { process.once("message", resolve); process.send(msg); });
  // Warm-up: a few complete calls (modules loaded, connections and caches made), released at once.
  await ask({ expect: 4 });
  const warm = Array.from({ length: 4 }, () => call[mode]());
  await ask({ wait: true });
  process.send({ release: true });
  for (const w of await Promise.all(warm)) await w?.finish?.();
  const before = heap();
  await ask({ expect: n });
  const pending = Array.from({ length: n }, () => call[mode]());
  let opened = [];
  if (mode === "stream") opened = await Promise.all(pending);
  await ask({ wait: true }); // the server holds all n
  const during = heap();
  process.send({ release: true });
  if (mode === "stream") await Promise.all(opened.map((o) => o.finish()));
  else await Promise.all(pending);
  process.send({ result: { name, mode, n, bytesPer: (during - before) / n } });
}

/** Runs one library in a process of its own; resolves with its result. */
function runClient(server, base, name, n, mode) {
  return new Promise((resolve, reject) => {
    const child = fork(FILE, ["--client", name, base, String(n), mode], { execArgv: ["--expose-gc"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let result;
    let waiting = false;
    let held = -1;
    let expected = -1;
    const onServer = (m) => {
      if (m.held === undefined) return;
      held = m.held;
      if (waiting && held === expected) {
        waiting = false;
        child.send({ ok: true });
      }
    };
    server.on("message", onServer);
    child.on("message", (m) => {
      if (m.expect !== undefined) {
        expected = m.expect;
        held = -1;
        server.send({ expect: m.expect });
        child.send({ ok: true });
      } else if (m.wait) {
        if (held === expected) child.send({ ok: true });
        else waiting = true;
      } else if (m.release) server.send({ release: true });
      else if (m.result) result = m.result;
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      server.off("message", onServer);
      if (code === 0 && result) resolve(result);
      else reject(new Error(`memory bench: ${name} (${mode}) exited with ${code}`));
    });
  });
}

/**
 * @returns {Promise<{ n: number, rows: { name: string, requestBytes: number, streamBytes: number }[] }>}
 */
export async function benchMemory({ smoke = false, n, only } = {}) {
  const count = n ?? (smoke ? 50 : 10_000);
  const server = fork(FILE, ["--serve"], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const port = await new Promise((resolve, reject) => {
    server.once("message", (m) => resolve(m.port));
    server.once("error", reject);
  });
  const base = `http://127.0.0.1:${port}/v1/`;
  const rows = [];
  try {
    for (const name of MEMORY_LIBS.filter((l) => !only || only.includes(l))) {
      const request = await runClient(server, base, name, count, "request");
      const stream = await runClient(server, base, name, count, "stream");
      rows.push({ name, requestBytes: Math.round(request.bytesPer), streamBytes: Math.round(stream.bytesPer) });
    }
  } finally {
    server.kill();
  }
  return { n: count, rows };
}

const argv = process.argv;
if (argv.includes("--serve")) serve();
else if (argv.includes("--client")) {
  const i = argv.indexOf("--client");
  await client(argv[i + 1], argv[i + 2], Number(argv[i + 3]), argv[i + 4]);
  process.disconnect();
} else if (argv[1] === FILE) {
  const opt = (flag) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const { n, rows } = await benchMemory({ smoke: argv.includes("--smoke"), n: opt("--n") && Number(opt("--n")), only: opt("--only")?.split(",") });
  for (const r of rows) console.log(`${r.name.padEnd(10)} ${(r.requestBytes / 1024).toFixed(2)} KiB per in-flight request, ${(r.streamBytes / 1024).toFixed(2)} KiB per open SSE stream (${n} at once)`);
}
