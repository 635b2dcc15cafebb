/**
 * The wire formats the SDK tests' mock servers speak, as route handlers for the integration
 * test server (test/integration/support/server.ts, real node:http on 127.0.0.1):
 *
 * - OpenAI chat completions: `POST /v1/chat/completions`, a `chat.completion` JSON object, or
 *   with `"stream": true` a `text/event-stream` of `chat.completion.chunk` objects ending in
 *   `data: [DONE]`; errors as `{ "error": { message, type, code } }`.
 * - Anthropic messages: `POST /v1/messages`, a `message` JSON object, or with `"stream": true`
 *   named events message_start, content_block_start, ping, content_block_delta…,
 *   content_block_stop, message_delta, message_stop; errors as `{ type: "error", error }`.
 *
 * Each handler reads and parses the request body and records it on the hit, so a test can
 * assert what the server saw, not only what the SDK returned.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Handler, Hit, TestServer } from "../../support/server.js";
import { readBody, within } from "../../support/server.js";

/** A request as the mock server saw it: the hit plus its parsed JSON body. */
export interface Seen {
  hit: Hit;
  body: any;
}

/** Records every request's parsed body per path, for assertions. */
export class Recorder {
  readonly seen: Seen[] = [];
  async take(req: IncomingMessage, hit: Hit): Promise<any> {
    const raw = (await readBody(req)).toString("utf8");
    let body: any = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    this.seen.push({ hit, body });
    return body;
  }
}

export const OPENAI_MODEL = "gpt-mock-1";
export const ANTHROPIC_MODEL = "claude-mock-1";

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

// ---- OpenAI ---------------------------------------------------------------------------------

export function chatCompletion(content: string, id = "chatcmpl-mock"): object {
  return {
    id,
    object: "chat.completion",
    created: 1_700_000_000,
    model: OPENAI_MODEL,
    choices: [{ index: 0, message: { role: "assistant", content, refusal: null }, logprobs: null, finish_reason: "stop" }],
    usage: { prompt_tokens: 5, completion_tokens: content.split(" ").length, total_tokens: 5 + content.split(" ").length },
  };
}

function chunk(delta: object, finish: string | null = null): string {
  const body = {
    id: "chatcmpl-mock-stream",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: OPENAI_MODEL,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

/** An OpenAI error body, as the API sends it. */
export function openaiError(status: number, message: string): object {
  const type = status === 429 ? "rate_limit_exceeded" : status >= 500 ? "server_error" : "invalid_request_error";
  return { error: { message, type, param: null, code: type } };
}

export function sendOpenAIError(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  json(res, status, openaiError(status, `mock ${status}`), headers);
}

export interface StreamPlan {
  /** The text pieces, one chunk each. */
  pieces: string[];
  /** Milliseconds between two chunks. */
  gap: number;
  /** Milliseconds before the first chunk (after the head). @default 0 */
  first?: number;
}

/**
 * Streams a chat completion: a role chunk, one content chunk per piece every `gap` ms, a
 * finish chunk and `data: [DONE]`. Timers go through the server so nothing outlives the test.
 */
export function streamChat(srv: TestServer, res: ServerResponse, plan: StreamPlan): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", "x-request-id": "req_mock" });
  res.flushHeaders();
  res.write(chunk({ role: "assistant", content: "" }));
  let i = 0;
  const next = () => {
    if (res.destroyed) return;
    if (i < plan.pieces.length) {
      res.write(chunk({ content: plan.pieces[i++] }));
      srv.later(plan.gap, next);
      return;
    }
    res.write(chunk({}, "stop"));
    res.end("data: [DONE]\n\n");
  };
  srv.later(plan.first ?? 0, next);
}

/**
 * A `/v1/chat/completions` route: `reply(n, body)` says what the n-th request (1-based) gets —
 * a status error, or (by default) the completion, buffered or streamed per the request's
 * `stream` field.
 */
export function openaiRoute(
  srv: TestServer,
  options: {
    reply?: (n: number, body: any, req: IncomingMessage) => { status: number; headers?: Record<string, string> } | "ok" | "hang";
    content?: string;
    stream?: StreamPlan;
  } = {},
): Recorder {
  const rec = new Recorder();
  const handler: Handler = async (req, res, hit) => {
    const body = await rec.take(req, hit);
    const what = options.reply?.(hit.n, body, req) ?? "ok";
    if (what === "hang") return; // never answers the head; the server's close ends it
    if (what !== "ok") return sendOpenAIError(res, what.status, what.headers);
    if (body?.stream) return streamChat(srv, res, options.stream ?? { pieces: ["Hel", "lo", "!"], gap: 5 });
    json(res, 200, chatCompletion(options.content ?? "Hello from the mock"), { "x-request-id": "req_mock" });
  };
  srv.route("/v1/chat/completions", handler);
  return rec;
}

// ---- Anthropic ------------------------------------------------------------------------------

export function anthropicMessage(text: string, id = "msg_mock"): object {
  return {
    id,
    type: "message",
    role: "assistant",
    model: ANTHROPIC_MODEL,
    content: [{ type: "text", text }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 7, output_tokens: text.split(" ").length },
  };
}

function event(name: string, data: object): string {
  return `event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`;
}

/** Streams a message with the event sequence of the Messages API. */
export function streamMessage(srv: TestServer, res: ServerResponse, plan: StreamPlan): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", "request-id": "req_mock" });
  res.flushHeaders();
  const start = { ...anthropicMessage(""), content: [], stop_reason: null, usage: { input_tokens: 7, output_tokens: 1 } };
  res.write(event("message_start", { message: start }));
  res.write(event("content_block_start", { index: 0, content_block: { type: "text", text: "" } }));
  res.write(event("ping", {}));
  let i = 0;
  const next = () => {
    if (res.destroyed) return;
    if (i < plan.pieces.length) {
      res.write(event("content_block_delta", { index: 0, delta: { type: "text_delta", text: plan.pieces[i++] } }));
      srv.later(plan.gap, next);
      return;
    }
    res.write(event("content_block_stop", { index: 0 }));
    res.write(event("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: plan.pieces.length } }));
    res.end(event("message_stop", {}));
  };
  srv.later(plan.first ?? 0, next);
}

/** A `/v1/messages` route, buffered or streamed per the request's `stream` field. */
export function anthropicRoute(
  srv: TestServer,
  options: {
    reply?: (n: number, body: any) => { status: number; headers?: Record<string, string> } | "ok";
    text?: string;
    stream?: StreamPlan;
  } = {},
): Recorder {
  const rec = new Recorder();
  srv.route("/v1/messages", async (req, res, hit) => {
    const body = await rec.take(req, hit);
    const what = options.reply?.(hit.n, body) ?? "ok";
    if (what !== "ok") {
      const type = what.status === 529 ? "overloaded_error" : what.status === 429 ? "rate_limit_error" : "api_error";
      return json(res, what.status, { type: "error", error: { type, message: `mock ${what.status}` } }, what.headers);
    }
    if (body?.stream) return streamMessage(srv, res, options.stream ?? { pieces: ["Hi", " there"], gap: 5 });
    json(res, 200, anthropicMessage(options.text ?? "Hello from the mock"), { "request-id": "req_mock" });
  });
  return rec;
}

// ---- reading what the SDK returns -----------------------------------------------------------

/** Every item of an SDK stream, bounded in time (a stuck stream fails the test, never hangs it). */
export async function collect<T>(items: AsyncIterable<T>, ms: number, what: string): Promise<T[]> {
  const out: T[] = [];
  await within(
    (async () => {
      for await (const item of items) out.push(item);
    })(),
    ms,
    what,
  );
  return out;
}

/** Waits for the server to see a response close; true when it was written in full, false when the client went away. */
export async function closedFully(hit: Hit, ms = 2_000): Promise<boolean> {
  await within(hit.closed, ms, `the response to ${hit.path} closing`);
  return hit.finished === true;
}
