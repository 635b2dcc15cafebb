/**
 * The real `@anthropic-ai/sdk` running on `api.fetch`, against a local mock of the Messages
 * API (JSON, and the event stream message_start … message_stop). The SDK's own retries are
 * off (`maxRetries: 0`); tierfetch retries underneath. Each test asserts what the server saw.
 */
import Anthropic, { AnthropicError, OverloadedError, RateLimitError } from "@anthropic-ai/sdk";
import { describe, expect, test } from "vitest";
import { isTimeoutError, type ClientOptions } from "../../../src/index.js";
import { QUICK_RETRY, useClients } from "../support/clients.js";
import { rejection, useServer, within } from "../support/server.js";
import { ANTHROPIC_MODEL, anthropicRoute, closedFully, collect } from "./support/wire.js";

const srv = useServer();
const client = useClients(srv);

const API_KEY = "sk-ant-mock-secret-0123456789";
const params = { model: ANTHROPIC_MODEL, max_tokens: 64, messages: [{ role: "user" as const, content: "Say hi" }] };

function anthropic(options: ClientOptions = {}) {
  const api = client(options);
  const sdk = new Anthropic({ apiKey: API_KEY, baseURL: srv().url, fetch: api.fetch, maxRetries: 0 });
  return { api, sdk };
}

function expectMessagesRequest(hit: { method: string; path: string; headers: Record<string, unknown> }) {
  expect(hit.method).toBe("POST");
  expect(hit.path).toBe("/v1/messages");
  // The API key, as this SDK version sends it (1.x: `Authorization: Bearer`; 0.x sent `x-api-key`).
  expect(hit.headers["x-api-key"] ?? hit.headers["authorization"]).toMatch(new RegExp(`^(Bearer )?${API_KEY}$`));
  expect(hit.headers["anthropic-version"]).toEqual(expect.any(String));
  expect(hit.headers["x-stainless-retry-count"]).toBe("0");
}

describe("@anthropic-ai/sdk on api.fetch", () => {
  test("messages: one request with the SDK's key and version headers, the SDK's parsed message", async () => {
    const rec = anthropicRoute(srv(), { text: "Hi from the mock" });
    const { api, sdk } = anthropic();
    const message = await within(sdk.messages.create(params), 5_000, "the message");

    expect(message.content).toEqual([{ type: "text", text: "Hi from the mock" }]);
    expect(message.stop_reason).toBe("end_turn");
    expect(srv().hits).toHaveLength(1);
    expectMessagesRequest(rec.seen[0]!.hit);
    expect(rec.seen[0]!.body).toEqual(params);
    expect(api.stats).toMatchObject({ calls: 1, requests: 1, retries: 0 });
  });

  test("streamed messages: messages.stream() accumulates the event stream to the final message", async () => {
    const pieces = ["Hi", " there", ", ", "friend"];
    const rec = anthropicRoute(srv(), { stream: { pieces, gap: 10 } });
    const { api, sdk } = anthropic();
    const deltas: string[] = [];
    const stream = sdk.messages.stream(params).on("text", (text) => void deltas.push(text));
    const message = await within(stream.finalMessage(), 5_000, "the streamed message");

    expect(deltas).toEqual(pieces);
    expect(message.content).toEqual([{ type: "text", text: pieces.join("") }]);
    expect(message.stop_reason).toBe("end_turn");
    expect(srv().hits).toHaveLength(1);
    expectMessagesRequest(rec.seen[0]!.hit);
    expect(rec.seen[0]!.body.stream).toBe(true);
    expect(await closedFully(srv().hits[0]!)).toBe(true);
    expect(api.stats).toMatchObject({ requests: 1, timeouts: 0 });
  });

  test("streamed messages: create({ stream: true }) yields every event in order", async () => {
    anthropicRoute(srv(), { stream: { pieces: ["a", "b", "c"], gap: 5 } });
    const { sdk } = anthropic();
    const stream = await sdk.messages.create({ ...params, stream: true });
    const types = (await collect(stream, 5_000, "the event stream")).map((ev) => ev.type);

    expect(types).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(srv().hits).toHaveLength(1);
  });

  test("a long streamed message on default options outlives the tier (the tier bounds the gaps)", async () => {
    const pieces = Array.from({ length: 40 }, (_, i) => `p${i} `);
    anthropicRoute(srv(), { stream: { pieces, gap: 50 } });
    const { api, sdk } = anthropic({ timeouts: { medium: "400ms" } });
    const text = await within(sdk.messages.stream(params).finalText(), 10_000, "the long stream");

    expect(text).toBe(pieces.join(""));
    expect(srv().hits).toHaveLength(1);
    expect(api.stats).toMatchObject({ requests: 1, timeouts: 0 });
  });

  test("always 429 with the SDK's retries off: maxRetries + 1 requests, then the SDK's RateLimitError", async () => {
    const maxRetries = 2;
    anthropicRoute(srv(), { reply: () => ({ status: 429, headers: { "retry-after": "0" } }) });
    const { api, sdk } = anthropic({ retry: { ...QUICK_RETRY, maxRetries } });
    const error = await rejection(sdk.messages.create(params));

    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.status).toBe(429);
    expect(srv().hits).toHaveLength(maxRetries + 1);
    for (const hit of srv().hits) expectMessagesRequest(hit);
    expect(api.stats.rateLimitErrors.slice(0, maxRetries + 1)).toEqual([1, 1, 1]);
  });

  test("529 overloaded: not a default retry status, so sent once and the SDK's OverloadedError; the README's shouldRetry recipe retries it", async () => {
    // Requests 1 and 2 are overloaded, request 3 succeeds.
    anthropicRoute(srv(), { reply: (n) => (n <= 2 ? { status: 529 } : "ok") });
    const plain = anthropic();
    const error = await rejection(plain.sdk.messages.create(params));
    expect(error).toBeInstanceOf(OverloadedError);
    expect(error.status).toBe(529);
    expect(srv().hits).toHaveLength(1);

    // The recipe: 529 means "not processed" (like 503), so even a POST may be resent.
    const { api, sdk } = anthropic({ retry: { ...QUICK_RETRY, shouldRetry: ({ response }) => (response?.status === 529 ? true : undefined) } });
    const message = await within(sdk.messages.create(params), 5_000, "the message after a 529");
    expect(message.content[0]).toMatchObject({ type: "text" });
    expect(srv().hits).toHaveLength(3);
    for (const hit of srv().hits) expectMessagesRequest(hit);
    expect(api.stats).toMatchObject({ calls: 1, requests: 2, retries: 1 });
  });

  // What docs/sdks.md says of the SDK's streams (the SDK's behaviour, as on the global fetch):
  test("abort midway through create({ stream: true }): the for await loop just ends, no error; nothing is retried", async () => {
    const pieces = Array.from({ length: 200 }, (_, i) => `t${i} `);
    anthropicRoute(srv(), { stream: { pieces, gap: 20 } });
    const { api, sdk } = anthropic();
    const controller = new AbortController();
    const stream = await within(sdk.messages.create({ ...params, stream: true }, { signal: controller.signal }), 5_000, "the stream head");
    let deltas = 0;
    await within(
      (async () => {
        for await (const event of stream) {
          if (event.type === "content_block_delta" && ++deltas === 3) controller.abort();
        }
      })(),
      5_000,
      "the loop ending after the abort",
    );

    expect(deltas).toBeGreaterThanOrEqual(3);
    expect(deltas).toBeLessThan(pieces.length);
    expect(await closedFully(srv().hits[0]!)).toBe(false);
    expect(srv().hits).toHaveLength(1);
    expect(api.stats.retries).toBe(0);
  });

  test("a quiet stream under messages.stream().finalText(): the SDK's AnthropicError, tierfetch's TimeoutError as its cause", async () => {
    anthropicRoute(srv(), { stream: { pieces: ["a", "b"], gap: 30_000 } });
    const { sdk } = anthropic({ timeouts: { medium: "300ms" } });
    const error = await rejection(sdk.messages.stream(params).finalText(), 5_000);

    expect(error).toBeInstanceOf(AnthropicError);
    expect(isTimeoutError(error)).toBe(false);
    const cause = (error as Error).cause;
    expect(isTimeoutError(cause)).toBe(true);
    expect(cause).toMatchObject({ kind: "idle" });
    expect(String(error)).not.toContain(API_KEY);
  });
});
