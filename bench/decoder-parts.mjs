// Where sse()'s time goes, step by step, beside eventsource-parser's createParser, on one corpus
// (4 MB of the wire shape bench/decoders.mjs copies from the API it names):
//   node bench/decoder-parts.mjs anthropic|openai|openai-utf8|mcp
// Rows (CPU per 4 MB and per event, median of 11 rounds, interleaved): UTF-8 decoding (the
// platform's streaming TextDecoder and ours), parsing already-decoded texts (our synchronous
// SseParser and createParser), the whole pipeline each way, a reader alone, and a bare `for await`
// over as many ready items: the cost an async iterator pays per item and a callback parser does
// not. On the dense shapes (Anthropic, MCP) that last row is the gap between sse() and createParser.
// The row after it serves the same items from a next() that returns no promise at all: it costs
// the same, so the cost is the consumer's `await` per item (a microtask and a resume), which no
// iterator can save, not the promise an iterator makes.
import * as B from "./decoders.mjs";
import { build } from "esbuild";
import { createParser } from "eventsource-parser";
await build({ stdin: { contents: `export { SseParser } from "./src/decode/sse.ts"; export { Utf8Decoder } from "./src/decode/utf8.ts"; export { sse } from "./src/decode/index.ts";`, resolveDir: new URL("..", import.meta.url).pathname, loader: "ts" }, bundle: true, format: "esm", outfile: new URL("../.tmp/decoder-parts-bundle.mjs", import.meta.url).pathname, logLevel: "warning" });
const { SseParser, Utf8Decoder, sse } = await import(new URL("../.tmp/decoder-parts-bundle.mjs", import.meta.url).href);
const k = process.argv[2];
const mb = 4e6;
const bytes = new TextEncoder().encode(k === "mcp" ? B.mcpCorpus(mb) : k === "anthropic" ? B.anthropicCorpus(mb) : B.openaiCorpus(mb, k === "openai" ? B.asciiJson : JSON.stringify));
const CH = 16384;
const chunks = []; for (let o = 0; o < bytes.length; o += CH) chunks.push(bytes.subarray(o, o + CH));
const texts = []; { const d = new TextDecoder(); for (const c of chunks) texts.push(d.decode(c, { stream: true })); }
let N = 0; { const p = new SseParser("", 1 << 24); const out = []; for (const t of texts) { p.push(t, out); N += out.length; out.length = 0; } }
const ev = { event: "message", data: "x", id: "" };
function items() { let i = 0; return { [Symbol.asyncIterator]() { return this; }, next() { return Promise.resolve(i++ < N ? { done: false, value: ev } : { done: true, value: undefined }); } }; }
// The same items from a next() that returns the result itself, not a promise of it (outside the
// async iterator contract): for await awaits it all the same, so this is the cost of the await.
function plainItems() { let i = 0; return { [Symbol.asyncIterator]() { return this; }, next() { return i++ < N ? { done: false, value: ev } : { done: true, value: undefined }; } }; }
const med = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
function streamOf() { let i = 0; return new ReadableStream({ pull(c) { if (i >= chunks.length) return c.close(); c.enqueue(chunks[i++]); } }); }
const cands = {
  "decode stream:true": () => { const d = new TextDecoder(); let n = 0; for (const c of chunks) n += d.decode(c, { stream: true }).length; },
  "Utf8Decoder": () => { const d = new Utf8Decoder(); let n = 0; for (const c of chunks) n += d.decode(c).length; },
  "SseParser on texts": () => { const p = new SseParser("", 1 << 24); const out = []; let n = 0; for (const t of texts) { p.push(t, out); n += out.length; out.length = 0; } },
  "createParser on texts": () => { let n = 0; const p = createParser({ onEvent(e) { n += e.data.length; } }); for (const t of texts) p.feed(t); },
  "sse() full": async () => { let n = 0; for await (const e of sse(streamOf())) n += e.data.length; },
  "createParser full": async () => { let n = 0; const p = createParser({ onEvent(e) { n += e.data.length; } }); const d = new TextDecoder(); const r = streamOf().getReader(); for (;;) { const { done, value } = await r.read(); if (done) break; p.feed(d.decode(value, { stream: true })); } },
  "reader only": async () => { const r = streamOf().getReader(); for (;;) { const { done } = await r.read(); if (done) break; } },
  "for await over N items": async () => { let n = 0; for await (const e of items()) n += e.data.length; },
  "for await, no promises": async () => { let n = 0; for await (const e of plainItems()) n += e.data.length; },
};
const t = Object.fromEntries(Object.keys(cands).map((n) => [n, []]));
for (let r = 0; r < 11; r++) for (const [n, f] of Object.entries(cands)) { const c = process.cpuUsage(); await f(); const u = process.cpuUsage(c); t[n].push(u.user + u.system); }
console.log(`${k}: ${N} events in 4 MB, ${process.version}`);
for (const n of Object.keys(cands)) console.log(n.padEnd(24), (med(t[n]) / 1000).toFixed(2), "ms per 4 MB", (med(t[n]) * 1000 / N).toFixed(0), "ns per event");
