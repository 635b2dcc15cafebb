#!/usr/bin/env node
// Throughput of tierfetch's stream decoders, from memory, in 16 KiB chunks.
//
// Every candidate reads the same bytes from a ReadableStream (as a fetch body would give
// them) and consumes every item; the figures are input megabytes (10^6 bytes) per CPU-second
// of this process (user + system, so the GC threads count too) and per wall-second, medians
// of interleaved runs. CPU time is the figure that counts: on a machine shared with other
// jobs, wall time mostly measures the neighbours. Ratios between candidates are the median
// of the per-run ratios (each pairs runs made seconds apart).
//
// Corpora (~24 MB each, many responses back to back; the wire shape of each is taken from
// the docs of the API it names, see openaiCorpus(), anthropicCorpus(), mcpCorpus()):
//   openai       — OpenAI Chat Completions chunks, `data:` only, non-ASCII as \u escapes
//   openai-utf8  — the same with the non-ASCII text as raw UTF-8
//   anthropic    — Anthropic Messages: an `event:` line before every `data:` line, raw UTF-8
//   mcp          — MCP Streamable HTTP: `event:` + `id:` + `data:` on every event, raw UTF-8
//   lines        — NDJSON log records, one in ten with a non-ASCII name, 1 in 10 ending CRLF
//
// Candidates: tierfetch sse() / lines() / ndjson(); eventsource-parser, both its raw
// callback parser (`createParser` fed by one streaming TextDecoder, as a hand-written read
// loop does) and its documented stream form (TextDecoderStream → EventSourceParserStream,
// read with a reader); for lines, TextDecoderStream + split("\n") in the read loop (and
// JSON.parse per line for ndjson).
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
/** Chunk size: what a TLS record or an HTTP/2 DATA frame typically hands a fetch body. */
const CHUNK = 16 * 1024;

/** The SSE wire shapes (names are what the JSON results and the README use). */
export const SSE_SHAPES = ["openai", "openai-utf8", "anthropic", "mcp"];

/**
 * Runs the benchmark.
 * @param {{ smoke?: boolean, runs?: number, mb?: number, fromSource?: boolean, only?: string[] }} [options]
 * @returns {Promise<{ name: string, corpus: string, candidate: string, bytes: number, mbPerSec: number, wallMbPerSec: number, ms: number[], wallMs: number[], items: number }[]>}
 *   `ms` / `wallMs`: CPU / wall milliseconds of each run, in run order (for per-run ratios, see {@link ratio}).
 */
export async function benchDecoders({ smoke = false, runs, mb, fromSource = false, only } = {}) {
  const size = Math.round((mb ?? (smoke ? 0.25 : 24)) * 1e6);
  const runCount = runs ?? (smoke ? 1 : 9);
  const tf = await loadTierfetch(fromSource);
  const { createParser } = await import("eventsource-parser");
  const { EventSourceParserStream } = await import("eventsource-parser/stream");
  const enc = (text) => new TextEncoder().encode(text);

  const tfSse = ["sse()", (s) => countSse(tf.sse(s))];
  const esCallback = ["createParser", (s) => esParserCallback(s, createParser)];
  const esStream = ["EventSourceParserStream", (s) => esParserStream(s, EventSourceParserStream)];
  const sseSet = [tfSse, esCallback, esStream];
  /** Each corpus (built only when asked for) with the candidates that read it. */
  const corpora = [
    ["openai", () => openaiCorpus(size, asciiJson), sseSet],
    ["openai-utf8", () => openaiCorpus(size, JSON.stringify), sseSet],
    ["anthropic", () => anthropicCorpus(size), sseSet],
    ["mcp", () => mcpCorpus(size), sseSet],
    ["lines", () => linesCorpus(size), [
      ["lines()", (s) => countLines(tf.lines(s))],
      ["TextDecoderStream + split", splitLines],
      ["ndjson()", (s) => countNdjson(tf.ndjson(s))],
      ["TextDecoderStream + split + JSON.parse", splitNdjson],
    ]],
  ].filter(([corpus]) => !only || only.includes(corpus));
  const cases = corpora.flatMap(([corpus, make, candidates]) => {
    const bytes = enc(make());
    return candidates.map(([candidate, run]) => ({ name: `${corpus}: ${candidate}`, corpus, candidate, bytes, run }));
  });

  // Cross-check (and warm-up): on a corpus, every SSE candidate must see the same events,
  // and every line candidate the same number of lines.
  const counts = new Map();
  for (const c of cases) counts.set(c.name, await c.run(streamOf(c.bytes, CHUNK)));
  for (const [corpus] of corpora) {
    const seen = [...counts].filter(([n]) => n.startsWith(`${corpus}: `));
    const groups = corpus === "lines" ? [seen.filter(([n]) => !/ndjson|JSON/.test(n)), seen.filter(([n]) => /ndjson|JSON/.test(n))] : [seen];
    for (const g of groups) {
      if (new Set(g.map(([, v]) => v)).size > 1) throw new Error(`candidates disagree on ${corpus}: ${JSON.stringify(g)}`);
    }
  }

  const cpu = new Map(cases.map((c) => [c.name, []]));
  const wall = new Map(cases.map((c) => [c.name, []]));
  for (let r = 0; r < runCount; r++) {
    // Interleaved: every candidate once per round, the order reversed every other round.
    for (const c of r % 2 === 0 ? cases : [...cases].reverse()) {
      const stream = streamOf(c.bytes, CHUNK);
      const w0 = performance.now();
      const t0 = process.cpuUsage();
      await c.run(stream);
      const t = process.cpuUsage(t0);
      wall.get(c.name).push(performance.now() - w0);
      cpu.get(c.name).push((t.user + t.system) / 1000);
    }
  }
  return cases.map((c) => {
    const mbs = (ms) => Math.round(c.bytes.byteLength / 1e6 / (median(ms) / 1000));
    return {
      name: c.name,
      corpus: c.corpus,
      candidate: c.candidate,
      bytes: c.bytes.byteLength,
      items: Math.floor(counts.get(c.name) / 1e9) || counts.get(c.name),
      mbPerSec: mbs(cpu.get(c.name)),
      wallMbPerSec: mbs(wall.get(c.name)),
      ms: cpu.get(c.name),
      wallMs: wall.get(c.name),
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

/**
 * The baseline of lines(): TextDecoderStream, each text appended to the unfinished line and
 * split at \n (a \r before it dropped), the lines handed to a callback in the read loop
 * (no async step per line: the cheapest way to write it).
 */
async function splitText(stream, onLine) {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let rest = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const parts = (rest + value).split("\n");
    rest = parts.pop();
    for (const p of parts) onLine(p.endsWith("\r") ? p.slice(0, -1) : p);
  }
  if (rest !== "") onLine(rest);
}

async function splitLines(stream) {
  let n = 0;
  await splitText(stream, (line) => (n += line.length >= 0 ? 1 : 0));
  return n;
}

async function splitNdjson(stream) {
  let n = 0;
  await splitText(stream, (line) => {
    if (line.trim() !== "" && JSON.parse(line) !== undefined) n++;
  });
  return n;
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
export function ratio(a, b, clock = "ms") {
  return median(a[clock].map((ms, i) => b[clock][i] / ms));
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

/**
 * Token texts, each as an LLM sends one delta: English with a few accented words, CJK and emoji,
 * so that a raw UTF-8 corpus is about 1 byte in 12 outside ASCII, as a multilingual chat is.
 */
const WORDS = [
  " the", " a", " stream", " of", " tokens", " is", " parsed", " quickly", ",", ".", " and",
  " résumé", " naïve", " 東京", " 🙂", " model", " response", " into", " events", "\\n", " Größe", " данные",
];

/** JSON with every non-ASCII character escaped as \\uXXXX (Python's `json.dumps` default, `ensure_ascii`). */
export function asciiJson(value) {
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * Streams of `makeStream(n, tokens, json)` (`tokens`: 8 to 40 texts of 1 to 3 random words,
 * from a fixed seed) joined until `size` characters: a corpus is many responses back to back.
 */
function streamCorpus(size, seed, json, makeStream) {
  const rand = rng(seed);
  const parts = [];
  let total = 0;
  for (let n = 1; total < size; n++) {
    const tokens = [];
    const count = 8 + Math.floor(rand() * 33);
    for (let t = 0; t < count; t++) {
      let text = "";
      const words = 1 + Math.floor(rand() * 3);
      for (let k = 0; k < words; k++) text += WORDS[Math.floor(rand() * WORDS.length)];
      tokens.push(text);
    }
    const text = makeStream(n, tokens, json);
    parts.push(text);
    total += text.length;
  }
  return parts.join("");
}

/**
 * OpenAI Chat Completions, `stream: true`, as its API reference's streaming example shows it
 * ("The chat completion chunk object"): `data: {chunk}\n\n` only, no `event:` or `id:` line;
 * a first chunk with the role, one chunk per token, a last one with `finish_reason`, then
 * `data: [DONE]`. `json` is asciiJson (OpenAI's own API: non-ASCII as \u escapes) or
 * JSON.stringify (raw UTF-8, as OpenAI-compatible servers written in JS or Go send it).
 */
export function openaiCorpus(size, json) {
  return streamCorpus(size, 42, json, (n, tokens) => {
    const base = { id: `chatcmpl-9x8Yk2Qw1LmN${n}`, object: "chat.completion.chunk", created: 1718000000 + n, model: "gpt-4o-mini", system_fingerprint: "fp_44709d6fcb" };
    const chunk = (delta, finish) => `data: ${json({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
    let out = chunk({ role: "assistant", content: "" }, null);
    for (const content of tokens) out += chunk({ content }, null);
    return `${out}${chunk({}, "stop")}data: [DONE]\n\n`;
  });
}

/**
 * Anthropic Messages API, `stream: true`, as its streaming guide's "Basic streaming request"
 * example shows it: an `event:` line before EVERY `data:` line (message_start,
 * content_block_start, ping, one content_block_delta per token, content_block_stop,
 * message_delta, message_stop), JSON with `": "` separators and text as raw UTF-8.
 */
export function anthropicCorpus(size) {
  const json = (v) => JSON.stringify(v).replace(/":/g, '": ').replace(/,"/g, ', "');
  const ev = (type, value) => `event: ${type}\ndata: ${json({ type, ...value })}\n\n`;
  return streamCorpus(size, 7, json, (n, tokens) => {
    let out = ev("message_start", { message: { id: `msg_1nZdL29xx5MUA1yADyHTE${n}`, type: "message", role: "assistant", content: [], model: "claude-sonnet-4-5", stop_reason: null, stop_sequence: null, usage: { input_tokens: 25, output_tokens: 1 } } });
    out += ev("content_block_start", { index: 0, content_block: { type: "text", text: "" } });
    out += ev("ping", {});
    for (const text of tokens) out += ev("content_block_delta", { index: 0, delta: { type: "text_delta", text } });
    out += ev("content_block_stop", { index: 0 });
    out += ev("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: tokens.length } });
    return out + ev("message_stop", {});
  });
}

/**
 * MCP Streamable HTTP (the Model Context Protocol's transport, spec 2025-03-26 and later), as
 * the TypeScript SDK's server writes each message when it keeps events for resumption:
 * `event: message\nid: <stream>_<n>\ndata: <JSON-RPC>\n\n` (writeSSEEvent), raw UTF-8. Per
 * tool call: `notifications/message` log lines and `notifications/progress` as it works,
 * then the result, whose text carries the tokens.
 */
export function mcpCorpus(size) {
  return streamCorpus(size, 11, JSON.stringify, (n, tokens) => {
    let seq = 0;
    const ev = (message) => `event: message\nid: 7f3c2a9e-${n}_${++seq}\ndata: ${JSON.stringify({ jsonrpc: "2.0", ...message })}\n\n`;
    let out = "";
    for (const [i, text] of tokens.entries()) {
      out += i % 2 === 0
        ? ev({ method: "notifications/message", params: { level: "info", logger: "search", data: text } })
        : ev({ method: "notifications/progress", params: { progressToken: n, progress: i, total: tokens.length, message: text } });
    }
    return out + ev({ id: n, result: { content: [{ type: "text", text: tokens.join("") }], isError: false } });
  });
}

export function linesCorpus(size) {
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

/** Per corpus, tierfetch's decoder against each baseline: median of per-run ratios, CPU and wall. */
export function decoderRatios(rows) {
  const pairs = [];
  const find = (corpus, candidate) => rows.find((r) => r.corpus === corpus && r.candidate === candidate);
  const pair = (corpus, ours, theirs) => {
    const a = find(corpus, ours);
    const b = find(corpus, theirs);
    if (a && b) pairs.push({ corpus, ours, baseline: theirs, cpu: ratio(a, b), wall: ratio(a, b, "wallMs") });
  };
  for (const shape of SSE_SHAPES) {
    pair(shape, "sse()", "createParser");
    pair(shape, "sse()", "EventSourceParserStream");
  }
  pair("lines", "lines()", "TextDecoderStream + split");
  pair("lines", "ndjson()", "TextDecoderStream + split + JSON.parse");
  return pairs;
}

function printTable(rows, { from, size }) {
  console.log(`tierfetch from ${from}; ${size}; 16 KiB chunks; MB per CPU-second (wall in brackets), median of the runs; Node ${process.version}`);
  const width = Math.max(...rows.map((r) => r.name.length));
  for (const r of rows) console.log(`${r.name.padEnd(width)}  ${String(r.mbPerSec).padStart(5)} MB/s  (${r.wallMbPerSec} wall)`);
  console.log("ratios (median of per-run ratios): CPU, wall");
  for (const p of decoderRatios(rows)) console.log(`${p.corpus.padEnd(12)} ${p.ours} / ${p.baseline}: ${p.cpu.toFixed(2)}x, ${p.wall.toFixed(2)}x`);
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
    size: `${mb ?? (smoke ? 0.25 : 24)} MB per corpus`,
  });
}
