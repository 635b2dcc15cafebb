#!/usr/bin/env node
// Throughput of tierfetch's stream decoders, from memory, in 64 KiB chunks.
//
// Every candidate reads the same bytes from a ReadableStream (as a fetch body would give
// them) and consumes every item; the figure is input megabytes (10^6 bytes) per CPU-second
// of this process (user + system, so the GC threads count too), the median of several
// interleaved runs. CPU time, not wall time: on a machine shared with other jobs, wall
// time mostly measures the neighbours. Ratios between candidates are the median of the
// per-run ratios.
//
//   sse corpus       — ~50 MB of LLM-style `data: {...}\n\n` chat-completion chunks, with
//                      an `event:`/`id:` line, a comment and CRLF now and then; the JSON
//                      escapes non-ASCII as \uXXXX, as OpenAI's API (Python's json.dumps) does
//   sse-utf8 corpus  — the same events with the non-ASCII text as raw UTF-8
//   lines corpus     — ~50 MB of NDJSON log records, one in ten with a non-ASCII name
//   sse-small corpus — small LLM-style token events (~100 B each: `data: {"type":
//                      "content_block_delta",...}`, an `event:` line now and then), read in
//                      16 KiB chunks: the per-event cost (async machinery included) is
//                      what this one measures
//
// Candidates: tierfetch sse() / lines() / ndjson(); eventsource-parser 4, both its raw
// callback parser (`createParser` fed by one TextDecoder) and its documented stream form
// (TextDecoderStream → EventSourceParserStream, read with a reader); and a bare
// TextDecoderStream pass that decodes every chunk and does nothing else.
//
// tierfetch comes from ../dist/index.js when it exists and exports `sse`, else from a
// throwaway esbuild bundle of src/decode/index.ts in .tmp/ (`--src` forces the bundle).
// TIERFETCH_DECODERS=path/to/decode/index.ts bundles that file instead (an older copy of
// the decoders, to compare before and after a change in one run of the machine).
//
// Usage: node bench/decoders.mjs [--smoke] [--src] [--runs N] [--mb N] [--only corpus,corpus]
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const CHUNK = 64 * 1024;
const SMALL_CHUNK = 16 * 1024;

/**
 * Runs the benchmark.
 * @param {{ smoke?: boolean, runs?: number, mb?: number, fromSource?: boolean, only?: string[] }} [options]
 * @returns {Promise<{ name: string, mbPerSec: number, ms: number[], eventsPerSec?: number }[]>}
 *   `ms`: the CPU milliseconds of each run, in run order (for per-run ratios, see {@link ratio}).
 */
export async function benchDecoders({ smoke = false, runs, mb, fromSource = false, only } = {}) {
  const size = Math.round((mb ?? (smoke ? 0.25 : 50)) * 1e6);
  const runCount = runs ?? (smoke ? 1 : 7);
  const tf = await loadTierfetch(fromSource);
  const { createParser } = await import("eventsource-parser");
  const { EventSourceParserStream } = await import("eventsource-parser/stream");

  const sseBytes = new TextEncoder().encode(sseCorpus(size, true));
  const sseUtf8Bytes = new TextEncoder().encode(sseCorpus(size, false));
  const lineBytes = new TextEncoder().encode(linesCorpus(size));
  const smallBytes = new TextEncoder().encode(smallSseCorpus(size));

  const bare = ["bare TextDecoderStream", bareDecode];
  const tfSse = ["tierfetch sse()", (s) => countSse(tf.sse(s))];
  const tfLines = ["tierfetch lines()", (s) => countLines(tf.lines(s))];
  const esCallback = ["eventsource-parser createParser (callback)", (s) => esParserCallback(s, createParser)];
  const esStream = ["eventsource-parser EventSourceParserStream", (s) => esParserStream(s, EventSourceParserStream)];
  const tfNdjson = ["tierfetch ndjson()", (s) => countNdjson(tf.ndjson(s))];
  /** Each corpus with the candidates that read it. */
  const corpora = [
    ["sse", sseBytes, CHUNK, [bare, tfSse, tfLines, esCallback, esStream]],
    ["sse-utf8", sseUtf8Bytes, CHUNK, [bare, tfSse, esCallback, esStream]],
    ["lines", lineBytes, CHUNK, [bare, tfLines, tfNdjson]],
    ["sse-small", smallBytes, SMALL_CHUNK, [tfSse, esCallback, esStream]],
  ].filter(([corpus]) => !only || only.includes(corpus));
  /** @type {{ name: string, bytes: Uint8Array, chunk: number, run: (s: ReadableStream<Uint8Array>) => Promise<number> }[]} */
  const cases = corpora.flatMap(([corpus, bytes, chunk, candidates]) =>
    candidates.map(([name, run]) => ({ name: `${corpus} corpus: ${name}`, bytes, chunk, run })),
  );

  // Cross-check (and warm-up): on a corpus, every SSE candidate must see the same events.
  const counts = new Map();
  for (const c of cases) counts.set(c.name, await c.run(streamOf(c.bytes, c.chunk)));
  for (const corpus of ["sse corpus", "sse-utf8 corpus", "sse-small corpus"]) {
    const seen = [...counts].filter(([n]) => n.startsWith(corpus) && /sse\(\)|eventsource/.test(n));
    if (new Set(seen.map(([, v]) => v)).size > 1) {
      throw new Error(`SSE candidates disagree on ${corpus}: ${JSON.stringify(seen)}`);
    }
  }

  /** @type {Map<string, number[]>} */
  const times = new Map(cases.map((c) => [c.name, []]));
  for (let r = 0; r < runCount; r++) {
    for (const c of r % 2 === 0 ? cases : [...cases].reverse()) {
      const stream = streamOf(c.bytes, c.chunk);
      const t0 = process.cpuUsage();
      await c.run(stream);
      const t = process.cpuUsage(t0);
      times.get(c.name).push((t.user + t.system) / 1000);
    }
  }
  return cases.map((c) => {
    const seconds = median(times.get(c.name)) / 1000;
    const events = /sse\(\)|eventsource/.test(c.name) ? Math.floor(counts.get(c.name) / 1e9) : 0;
    return {
      name: c.name,
      mbPerSec: Math.round(c.bytes.byteLength / 1e6 / seconds),
      ms: times.get(c.name),
      ...(events > 0 && { eventsPerSec: Math.round(events / seconds) }),
    };
  });
}

/**
 * The decoders under test: dist/index.js when built (and `fromSource` is not asked), else a
 * throwaway esbuild bundle of src/decode/index.ts. `loadTierfetch.from` says which.
 */
export async function loadTierfetch(fromSource = false) {
  const dist = join(root, "dist/index.js");
  const entry = process.env.TIERFETCH_DECODERS ?? join(root, "src/decode/index.ts");
  if (!fromSource && !process.env.TIERFETCH_DECODERS && existsSync(dist)) {
    const mod = await import(pathToFileURL(dist).href);
    if (typeof mod.sse === "function" && typeof mod.lines === "function") {
      loadTierfetch.from = "dist/index.js";
      return mod;
    }
  }
  const { build } = await import("esbuild");
  mkdirSync(join(root, ".tmp"), { recursive: true });
  const out = join(root, ".tmp", `bench-decoders-${process.pid}.mjs`);
  await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    outfile: out,
    logLevel: "warning",
  });
  loadTierfetch.from = `.tmp bundle of ${process.env.TIERFETCH_DECODERS ?? "src/decode/index.ts"}`;
  try {
    return await import(pathToFileURL(out).href);
  } finally {
    rmSync(out, { force: true }); // loaded: the throwaway file is no longer needed
  }
}
/** @type {string} */
loadTierfetch.from = "";

/** A ReadableStream handing out `bytes` in views of `chunkSize` bytes, one per pull, as a socket would. */
function streamOf(bytes, chunkSize) {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.byteLength) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.subarray(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}

async function bareDecode(stream) {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let chars = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chars;
    chars += value.length;
  }
}

async function countSse(events) {
  let n = 0;
  let chars = 0;
  for await (const e of events) {
    n++;
    chars += e.data.length;
  }
  return n * 1e9 + chars;
}

async function countLines(iter) {
  let n = 0;
  for await (const line of iter) n += line.length >= 0 ? 1 : 0;
  return n;
}

async function countNdjson(iter) {
  let n = 0;
  for await (const value of iter) if (value !== undefined) n++;
  return n;
}

async function esParserCallback(stream, createParser) {
  let n = 0;
  let chars = 0;
  const parser = createParser({
    onEvent(e) {
      n++;
      chars += e.data.length;
    },
  });
  const decoder = new TextDecoder();
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(decoder.decode(value, { stream: true }));
  }
  parser.feed(decoder.decode());
  return n * 1e9 + chars;
}

async function esParserStream(stream, EventSourceParserStream) {
  const reader = stream
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  let n = 0;
  let chars = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return n * 1e9 + chars;
    n++;
    chars += value.data.length;
  }
}

/** How many times faster `a` ran than `b`: the median of the per-run ratios. */
export function ratio(a, b) {
  return median(a.ms.map((ms, i) => b.ms[i] / ms));
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A deterministic pseudo-random generator, so every run benchmarks the same bytes. */
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

const WORDS = [
  " the", " a", " stream", " of", " tokens", " is", " parsed", " quickly", ",", ".", " and",
  " résumé", " naïve", " 東京", " 🙂", " model", " response", " into", " events", "\\n",
];

/** JSON with every non-ASCII character escaped as \\uXXXX (Python's `ensure_ascii`). */
function asciiJson(value) {
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * Events of `makeEvent(i, words)` (1 to `maxWords` random words each, from a fixed seed)
 * until `size` characters, joined.
 */
function eventCorpus(size, seed, maxWords, makeEvent) {
  const rand = rng(seed);
  const parts = [];
  let total = 0;
  for (let i = 1; total < size; i++) {
    let words = "";
    const count = 1 + Math.floor(rand() * maxWords);
    for (let k = 0; k < count; k++) words += WORDS[Math.floor(rand() * WORDS.length)];
    const text = makeEvent(i, words);
    parts.push(text);
    total += text.length;
  }
  return parts.join("");
}

function sseCorpus(size, ascii) {
  return eventCorpus(size, 42, 4, (i, word) => {
    const chunk = {
      id: "chatcmpl-9x8Yk2Qw1LmN0pZr",
      object: "chat.completion.chunk",
      created: 1718000000 + (i >> 6),
      model: "gpt-4o-2024-08-06",
      system_fingerprint: "fp_2b778c6b35",
      choices: [{ index: 0, delta: { content: word }, logprobs: null, finish_reason: null }],
    };
    let text = "";
    if (i % 50 === 0) text += `event: message\nid: ${i}\n`;
    if (i % 200 === 0) text += ": keep-alive\n\n";
    const eol = i % 10 === 0 ? "\r\n" : "\n";
    return `${text}data: ${ascii ? asciiJson(chunk) : JSON.stringify(chunk)}${eol}${eol}`;
  });
}

/** Token events of an LLM stream, ~100 B each, as most chat APIs send them one token at a time. */
function smallSseCorpus(size) {
  // Anthropic's token event, with its `event:` line on one event in 25 only.
  return eventCorpus(size, 99, 2, (i, text) => {
    const event = i % 25 === 0 ? "event: content_block_delta\n" : "";
    return `${event}data: ${asciiJson({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } })}\n\n`;
  });
}

function linesCorpus(size) {
  const rand = rng(7);
  const parts = [];
  let total = 0;
  let i = 0;
  const levels = ["info", "debug", "warn", "error"];
  const paths = ["/v1/users", "/v1/chat/completions", "/healthz", "/v2/orders/9381", "/static/app.js"];
  while (total < size) {
    i++;
    const rec = {
      ts: new Date(1718000000000 + i * 37).toISOString(),
      level: levels[Math.floor(rand() * levels.length)],
      msg: "request finished",
      method: rand() < 0.8 ? "GET" : "POST",
      path: paths[Math.floor(rand() * paths.length)],
      status: rand() < 0.95 ? 200 : 503,
      ms: Math.round(rand() * 2000) / 10,
      user: rand() < 0.1 ? "Zoë Ångström" : `user-${Math.floor(rand() * 1e6)}`,
    };
    const text = `${JSON.stringify(rec)}${i % 10 === 0 ? "\r\n" : "\n"}`;
    parts.push(text);
    total += text.length;
  }
  return parts.join("");
}

function printTable(rows, { from, size }) {
  const bare = {
    sse: rows.find((r) => r.name === "sse corpus: bare TextDecoderStream")?.mbPerSec,
    sseUtf8: rows.find((r) => r.name === "sse-utf8 corpus: bare TextDecoderStream")?.mbPerSec,
    lines: rows.find((r) => r.name === "lines corpus: bare TextDecoderStream")?.mbPerSec,
  };
  const find = (corpus, what) => rows.find((r) => r.name.startsWith(`${corpus} corpus`) && r.name.includes(what));
  const width = Math.max(...rows.map((r) => r.name.length));
  console.log(`tierfetch from ${from}; ${size}; 64 KiB chunks (sse-small: 16 KiB); MB per CPU-second, median of the runs; ratios: median of per-run ratios; Node ${process.version}`);
  console.log(`${"candidate".padEnd(width)}  ${"MB/s".padStart(7)}  ${"ev/s".padStart(9)}  ${"x bare".padStart(6)}  ${"x esp-stream".padStart(12)}  ${"x esp-callback".padStart(14)}`);
  for (const r of rows) {
    const b = r.name.startsWith("sse-utf8") ? bare.sseUtf8 : r.name.startsWith("sse-small") ? undefined : r.name.startsWith("sse") ? bare.sse : bare.lines;
    const corpus = r.name.slice(0, r.name.indexOf(" corpus"));
    const es = find(corpus, "EventSourceParserStream");
    const esRaw = find(corpus, "createParser");
    const vsEs = es ? ratio(r, es).toFixed(2) : "";
    const vsRaw = esRaw ? ratio(r, esRaw).toFixed(2) : "";
    console.log(
      `${r.name.padEnd(width)}  ${String(r.mbPerSec).padStart(7)}  ${String(r.eventsPerSec ?? "").padStart(9)}  ${(b ? (r.mbPerSec / b).toFixed(2) : "").padStart(6)}  ${vsEs.padStart(12)}  ${vsRaw.padStart(14)}`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const smoke = args.includes("--smoke");
  const opt = (flag) => {
    const i = args.indexOf(flag);
    return i === -1 ? undefined : Number(args[i + 1]);
  };
  const runs = opt("--runs");
  const mb = opt("--mb");
  const onlyAt = args.indexOf("--only");
  const only = onlyAt === -1 ? undefined : args[onlyAt + 1].split(",");
  const rows = await benchDecoders({ smoke, runs, mb, only, fromSource: args.includes("--src") });
  printTable(rows, {
    from: loadTierfetch.from,
    size: `${mb ?? (smoke ? 0.25 : 50)} MB per corpus`,
  });
}
