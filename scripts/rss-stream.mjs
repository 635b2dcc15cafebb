#!/usr/bin/env node
// Memory of a long stream read through tierfetch's lines(): does a slow consumer keep
// memory flat (backpressure all the way to the socket), or does the body pile up?
//
// A child process serves a generated body of RSS_BYTES bytes (default 1 GB = 10^9) of
// text lines from node:http on 127.0.0.1, writing only when the socket drains. This
// process fetches it with plain `fetch`, reads it through `lines()`, and sleeps now and
// then so that it consumes far slower than the server could send. RSS is sampled every
// 20 ms; the report gives the baseline before the request, the peak, and the growth.
//
// tierfetch comes from dist/index.js when it exports `lines`, else from a throwaway
// esbuild bundle of src/decode/index.ts in .tmp/.
//
// Usage: node scripts/rss-stream.mjs            (1 GB)
//        RSS_BYTES=50000000 node scripts/rss-stream.mjs
// Env:   RSS_BYTES       body size in bytes (default 1e9)
//        RSS_PAUSE_EVERY consumer sleeps after this many bytes of lines (default 262144)
//        RSS_PAUSE_MS    for this many ms (default 2)
//        RSS_MODE=bytes  control run: read the raw body chunks, same pacing, no lines()
//        RSS_MODE=line   hostile: one line of RSS_BYTES (default 256 MiB) with no terminator,
//                        read through lines() with its default maxLineBytes
//        RSS_MODE=event  hostile: RSS_BYTES (default 32 MiB) of 64-byte `data:` lines and no
//                        blank line, read through sse() with its default maxEventBytes
//        In the hostile modes the report adds how the read ended (the LimitError, or what was
//        yielded) and how many bytes the server wrote before it saw the connection close.
import { fork } from "node:child_process";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadTierfetch } from "../bench/decoders.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** One block of lines, repeated to make the body: ASCII and UTF-8, LF and CRLF. */
function block() {
  const lines = [];
  let size = 0;
  for (let i = 0; size < 64 * 1024; i++) {
    const line =
      i % 7 === 0
        ? `{"i":${i},"user":"Zoë Ångström","city":"東京","note":"🙂 multi-byte line"}`
        : `{"i":${i},"level":"info","msg":"request finished","path":"/v1/items/${i * 31}","ms":${i % 97}}`;
    const end = i % 5 === 0 ? "\r\n" : "\n";
    lines.push(line + end);
    size += Buffer.byteLength(line + end);
  }
  return Buffer.from(lines.join(""));
}

const MODE = process.env.RSS_MODE ?? "lines";
const HOSTILE = MODE === "line" || MODE === "event";
const DEFAULT_BYTES = MODE === "line" ? 256 * 1024 * 1024 : MODE === "event" ? 32 * 1024 * 1024 : 1e9;

/** 64 KiB of the hostile body: no line end at all, or data lines that never end an event. */
function hostileBlock() {
  const piece = MODE === "line" ? "x" : `data: ${"d".repeat(57)}\n`;
  return Buffer.from(piece.repeat(Math.ceil(65536 / piece.length))).subarray(0, 65536);
}

async function serve() {
  const total = Number(process.env.RSS_BYTES ?? DEFAULT_BYTES);
  const chunk = HOSTILE ? hostileBlock() : block();
  const server = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/plain; charset=utf-8", "content-length": String(total) });
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        const piece = sent + chunk.length <= total ? chunk : chunk.subarray(0, total - sent);
        sent += piece.length;
        if (!res.write(piece)) {
          res.once("drain", pump);
          return;
        }
      }
      res.end();
    };
    res.on("close", () => {
      res.removeAllListeners("drain");
      process.send?.({ sent });
    });
    pump();
  });
  server.listen(0, "127.0.0.1", () => process.send?.({ port: server.address().port }));
  process.on("disconnect", () => process.exit(0));
}

const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

async function main() {
  const total = Number(process.env.RSS_BYTES ?? DEFAULT_BYTES);
  const pauseEvery = Number(process.env.RSS_PAUSE_EVERY ?? 256 * 1024);
  const pauseMs = Number(process.env.RSS_PAUSE_MS ?? 2);
  const { lines, sse } = await loadTierfetch();
  const from = loadTierfetch.from;

  const child = fork(fileURLToPath(import.meta.url), ["--serve"], {
    env: { ...process.env, RSS_BYTES: String(total) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const port = await new Promise((resolve, reject) => {
    child.once("message", (m) => resolve(m.port));
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });

  // Warm up fetch and the decoder on a small request, so the baseline includes them.
  // (A separate tiny server in this process would skew nothing: it is closed at once.)
  await warmUp(lines);
  globalThis.gc?.();
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    if (m.rss > peakRss) peakRss = m.rss;
    if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
  }, 20);

  const started = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/body`);
  let count = 0;
  let chars = 0;
  let sincePause = 0;
  let pauses = 0;
  const bytesOnly = MODE === "bytes";
  const sentByServer = new Promise((resolve) => child.on("message", (m) => m.sent !== undefined && resolve(m.sent)));
  const items = bytesOnly ? rawChunks(res) : MODE === "event" ? sse(res) : lines(res);
  let ending = "the body ended";
  try {
    for await (const item of items) {
      if (bytesOnly) {
        chars += item.byteLength;
        sincePause += item.byteLength;
        if (sincePause < pauseEvery) continue;
      } else {
        const text = MODE === "event" ? item.data : item;
        count++;
        chars += text.length;
        sincePause += text.length + 1;
      }
      if (sincePause >= pauseEvery) {
        sincePause = 0;
        pauses++;
        await new Promise((r) => setTimeout(r, pauseMs));
      }
    }
  } catch (error) {
    if (!HOSTILE) throw error;
    ending = `rejected with ${error?.name}: ${error?.message}`;
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const end = process.memoryUsage();
  if (end.rss > peakRss) peakRss = end.rss;
  const sent = HOSTILE ? await Promise.race([sentByServer, new Promise((r) => setTimeout(() => r("?"), 2000))]) : 0;
  child.disconnect();
  child.kill();

  if (HOSTILE) {
    const what = MODE === "line" ? "one line with no terminator, through lines()" : "64-byte data: lines and no blank line, through sse()";
    console.log(`hostile body: ${mb(total)} of ${what}, tierfetch from ${from}, Node ${process.version}`);
    console.log(`${ending}; yielded ${count} item(s) in ${seconds.toFixed(1)} s; the server wrote ${typeof sent === "number" ? mb(sent) : sent} before the connection closed`);
    console.log(`RSS baseline ${mb(baseline.rss)}, peak ${mb(peakRss)}, growth ${mb(peakRss - baseline.rss)}`);
    console.log(`heap used baseline ${mb(baseline.heapUsed)}, peak ${mb(peakHeap)}`);
    return;
  }
  console.log(bytesOnly ? `control: raw body chunks, no decoding, Node ${process.version}` : `tierfetch lines() from ${from}, Node ${process.version}`);
  console.log(
    `body ${total} bytes (${mb(total)}) over http://127.0.0.1 in ${seconds.toFixed(1)} s ` +
      `(${(total / 1e6 / seconds).toFixed(0)} MB/s, consumer slept ${pauseMs} ms x ${pauses})`,
  );
  const expected = bytesOnly ? { count, chars: total } : expectedLines(total);
  const ok = expected.count === count && expected.chars === chars;
  console.log(`lines ${count}, characters ${chars} (${ok ? "as generated" : `MISMATCH: expected ${expected.count} lines, ${expected.chars} characters`})`);
  console.log(`RSS baseline ${mb(baseline.rss)}, peak ${mb(peakRss)}, growth ${mb(peakRss - baseline.rss)}`);
  console.log(`heap used baseline ${mb(baseline.heapUsed)}, peak ${mb(peakHeap)}`);
  if (!ok) process.exitCode = 1;
}

/** What the body holds: whole blocks, then a cut one (a cut character becomes U+FFFD). */
function expectedLines(total) {
  const chunk = block();
  const count = (text) => {
    const parts = text.split(/\r\n|\r|\n/);
    if (parts[parts.length - 1] === "") parts.pop();
    return { count: parts.length, chars: parts.reduce((n, p) => n + p.length, 0) };
  };
  const whole = count(chunk.toString("utf8"));
  const blocks = Math.floor(total / chunk.length);
  const rest = count(new TextDecoder().decode(chunk.subarray(0, total - blocks * chunk.length)));
  return { count: blocks * whole.count + rest.count, chars: blocks * whole.chars + rest.chars };
}

async function* rawChunks(res) {
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

async function warmUp(lines) {
  const server = createServer((req, res) => res.end("a\nb\r\nc"));
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const res = await fetch(`http://127.0.0.1:${server.address().port}/`);
  for await (const _ of lines(res));
  await new Promise((r) => server.close(r));
}

if (process.argv.includes("--serve")) await serve();
else await main();
