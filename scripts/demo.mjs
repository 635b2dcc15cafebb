#!/usr/bin/env node
// `npm run demo`: a tour of tierfetch against a local server it starts itself (no network).
import http from "node:http";
import { createClient, sse, HttpError, TimeoutError } from "../dist/index.js";

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code) => (s) => (color ? `\x1b[${code}m${s}\x1b[0m` : String(s));
const bold = paint(1), dim = paint(2), green = paint(32), yellow = paint(33), cyan = paint(36);
const title = (s) => console.log(`\n${bold(cyan(`▸ ${s}`))}`);
const started = Date.now();
const t = () => dim(`+${String(Date.now() - started).padStart(5)} ms`);

// ---- a small local API with a few bad habits -------------------------------------------
let flaky = 0;
let slow = 0;
let ticks = 0;
let chats = 0;
const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://local");
  const json = (status, body, headers = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };
  switch (url.pathname) {
    case "/v1/users/42":
      return json(200, { id: 42, name: "Ada", locale: url.searchParams.get("locale"), auth: req.headers.authorization ? "Bearer ***" : "none" });
    case "/v1/flaky":
      // Busy twice, saying when to come back, then fine.
      if (++flaky <= 2) return json(503, { error: "busy" }, { "retry-after-ms": "300" });
      return json(200, { ok: true, after: flaky });
    case "/v1/slow":
      // Too slow for the first two attempts' timeouts, quick enough for the third.
      slow++;
      return void setTimeout(() => json(200, { answeredOnAttempt: slow }), slow < 3 ? 500 : 20);
    case "/v1/hang":
      return void setTimeout(() => json(200, { late: true }), 1000);
    case "/v1/missing":
      return json(404, { error: "no such report", hint: "try /v1/reports" });
    case "/v1/download": {
      const size = 256 * 1024;
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(size) });
      let sent = 0;
      const push = () => {
        if (sent >= size) return res.end();
        res.write(Buffer.alloc(32 * 1024, 97));
        sent += 32 * 1024;
        setTimeout(push, 25);
      };
      return push();
    }
    case "/v1/chat/completions": {
      // An OpenAI-style endpoint: rate-limited once, then a streamed completion (SSE ending in [DONE]).
      if (++chats === 1) return json(429, { error: { message: "slow down", type: "rate_limit_exceeded" } }, { "retry-after-ms": "200" });
      res.writeHead(200, { "content-type": "text/event-stream" });
      const words = ["Hello", " from", " a", " streamed", " completion", "."];
      const chunk = (delta, finish = null) => `data: ${JSON.stringify({ id: "chatcmpl-demo", object: "chat.completion.chunk", created: 0, model: "demo", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      let i = 0;
      const send = () => {
        if (i < words.length) {
          res.write(chunk({ content: words[i++] }));
          return void setTimeout(send, 40);
        }
        res.write(chunk({}, "stop"));
        res.end("data: [DONE]\n\n");
      };
      res.write(chunk({ role: "assistant", content: "" }));
      return send();
    }
    case "/v1/ticker": {
      // An SSE stream that drops the connection after three events; the client reconnects
      // with Last-Event-ID and the server resumes after it.
      // Like EventSource, the client reconnects even after a clean end: a 204 says "done".
      const from = Number(req.headers["last-event-id"] ?? 0);
      if (from) console.log(`  ${t()} ${dim(`server: reconnection with Last-Event-ID: ${from}`)}`);
      if (from >= 6) return void res.writeHead(204).end();
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store" });
      res.write("retry: 200\n\n");
      let id = from;
      const send = () => {
        id++;
        ticks++;
        res.write(`id: ${id}\nevent: tick\ndata: {"n":${id}}\n\n`);
        if (id >= 6) return void res.end();
        if (id === from + 3) return void setTimeout(() => res.destroy(), 30); // a dropped connection
        setTimeout(send, 60);
      };
      return void setTimeout(send, 30);
    }
    default:
      return json(404, { error: "not found" });
  }
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}/v1/`;
console.log(bold("tierfetch demo"), dim(`— local server at ${base}`));

const logRetry = ({ attempt, error, delay }) =>
  console.log(`  ${t()} ${yellow("retry")} after attempt ${attempt}: ${error.message.replace(base, "")} — waiting ${Math.round(delay)} ms`);
const api = createClient({
  baseUrl: base,
  token: "demo-secret-token",
  query: { locale: "en" },
  timeouts: { short: "150ms" },
  retry: { maxRetries: 3, minDelay: "100ms" },
  hooks: {
    beforeRetry: [logRetry],
  },
});

title("A JSON request (baseUrl + default query + token)");
const user = await api.get("users/42").json();
console.log(`  ${t()}`, user);

title("Retry-After: the server says 'busy, come back in 300 ms' twice");
const flakyBody = await api.get("flaky").json();
console.log(`  ${t()} ${green("ok")}`, flakyBody);

title('Timeout tiers: "short" = 150 ms, doubled on each retry (150 → 300 → 600 ms)');
const slowBody = await api.get("slow", { timeout: "short" }).json();
console.log(`  ${t()} ${green("ok")}`, slowBody);

title("A typed HttpError (not retried: 404 is not a retryable status)");
try {
  await api.get("missing").json();
} catch (error) {
  if (!(error instanceof HttpError)) throw error;
  console.log(`  ${t()} ${yellow(error.name)} status=${error.status} attempts=${error.attempts}`);
  console.log(`  message: ${error.message}`);
  console.log(`  body still readable: ${await error.response.text()}`);
}

title("A timeout that gives up (retry: 1, timeout 50 ms → 100 ms)");
try {
  await api.get("hang", { timeout: 50, retry: 1 }).json();
} catch (error) {
  if (!(error instanceof TimeoutError)) throw error;
  console.log(`  ${t()} ${yellow(error.name)} after ${error.attempts} attempts; last attempt allowed ${error.timeout} ms`);
}

title("A download with progress");
let last = -1;
const bytes = await api.get("download", {
  onDownloadProgress: ({ loaded, percent }) => {
    const step = Math.floor((percent ?? 0) / 25);
    if (step !== last) {
      last = step;
      console.log(`  ${t()} ${"█".repeat(step * 4).padEnd(16, "░")} ${String(Math.round(percent ?? 0)).padStart(3)}% (${loaded} bytes)`);
    }
  },
}).bytes();
console.log(`  ${t()} got ${bytes.byteLength} bytes`);

title("Server-Sent Events that reconnect with Last-Event-ID after a dropped connection");
for await (const event of sse(api.get("ticker", { timeout: "none", idleTimeout: "2s" }), { reconnect: true })) {
  console.log(`  ${t()} ${event.event} id=${event.id} data=${event.data}`);
}
console.log(`  ${t()} the server answered the last reconnection with 204 No Content: the stream is over (as EventSource stops on 204)`);

title("An SDK on api.fetch: the openai SDK, its retries off, tierfetch's underneath");
let OpenAI;
try {
  ({ default: OpenAI } = await import("openai"));
} catch {
  console.log(`  ${dim("(skipped: the openai dev dependency is not installed)")}`);
}
if (OpenAI) {
  // No `token` on this client: the SDK sends its own key.
  const llm = createClient({ retry: { maxRetries: 3, minDelay: "100ms" }, hooks: { beforeRetry: [logRetry] } });
  const openai = new OpenAI({ apiKey: "sk-demo-key", baseURL: base, fetch: llm.fetch, maxRetries: 0 });
  const stream = await openai.chat.completions.create({ model: "demo", messages: [{ role: "user", content: "hi" }], stream: true });
  let text = "";
  for await (const part of stream) text += part.choices[0]?.delta?.content ?? "";
  console.log(`  ${t()} ${green("ok")} ${JSON.stringify(text)} — the server saw ${chats} requests (a 429, then the stream), the SDK one call`);
  await llm.close();
}

title("One factory: an app bundles only the features it imports");
{
  flaky = 0; // busy twice again
  const small = createClient({ baseUrl: base, retry: { maxRetries: 3, minDelay: "100ms" }, hooks: { beforeRetry: [logRetry] } });
  const body = await small.get("flaky").json();
  console.log(`  ${t()} ${green("ok")}`, body, dim(`— ${small.stats.retries} retries; sse(), lines(), paginate() and trackUpload() are imported functions`));
  await small.close();
}

title("Statistics (never a header or a token)");
console.log(api.stats);
await api.close();
server.closeAllConnections?.();
server.close();
console.log(`\n${green("done")} in ${Date.now() - started} ms, no network used.`);
