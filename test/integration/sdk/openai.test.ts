/**
 * The real `openai` SDK running on `api.fetch`, against a local mock of the chat completions
 * API (JSON and `stream: true` SSE). Every test asserts what the server saw — how many
 * requests, their method, path and headers, whether the connection closed — as well as what
 * the SDK returned or threw.
 *
 * The SDK's own retries are off (`maxRetries: 0`), as the README recipe says: tierfetch's
 * retries (Retry-After, budget, idempotency rules) are the only ones, so nothing multiplies.
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIUserAbortError, InternalServerError, RateLimitError } from "openai";
import { describe, expect, test } from "vitest";
import { isNetworkError, isTimeoutError, type ClientOptions } from "../../../src/index.js";
import { QUICK_RETRY, useClients } from "../support/clients.js";
import { closedPort, rejection, useServer, within } from "../support/server.js";
import { OPENAI_MODEL, closedFully, collect, openaiRoute } from "./support/wire.js";

const srv = useServer();
const client = useClients(srv);

const API_KEY = "sk-mock-secret-key-0123456789";
const messages = [{ role: "user" as const, content: "Say hello" }];

/** An OpenAI client on tierfetch: the SDK's retries off, tierfetch's on. */
function openai(options: ClientOptions = {}) {
  const api = client(options);
  const sdk = new OpenAI({ apiKey: API_KEY, baseURL: `${srv().url}/v1`, fetch: api.fetch, maxRetries: 0 });
  return { api, sdk };
}

/** The server's view of one request: what an SDK call is judged by. */
function expectCompletionRequest(hit: { method: string; path: string; headers: Record<string, unknown> }) {
  expect(hit.method).toBe("POST");
  expect(hit.path).toBe("/v1/chat/completions");
  expect(hit.headers["authorization"]).toBe(`Bearer ${API_KEY}`);
  expect(hit.headers["content-type"]).toBe("application/json");
}

describe("openai SDK on api.fetch", () => {
  test("chat completion: one request with the SDK's headers and body, the SDK's parsed result", async () => {
    const rec = openaiRoute(srv(), { content: "Hello from the mock" });
    const { api, sdk } = openai();
    const completion = await within(sdk.chat.completions.create({ model: OPENAI_MODEL, messages }), 5_000, "the completion");

    expect(completion.choices[0]!.message.content).toBe("Hello from the mock");
    expect(completion.object).toBe("chat.completion");
    expect(srv().hits).toHaveLength(1);
    const [seen] = rec.seen;
    expectCompletionRequest(seen!.hit);
    expect(seen!.hit.headers["x-stainless-retry-count"]).toBe("0");
    expect(seen!.body).toEqual({ model: OPENAI_MODEL, messages });
    expect(api.stats).toMatchObject({ calls: 1, requests: 1, retries: 0 });
  });

  test("streamed completion: SSE chunks through api.fetch, ending at data: [DONE], the response read to the end", async () => {
    const pieces = ["Hel", "lo", ", ", "wor", "ld"];
    const rec = openaiRoute(srv(), { stream: { pieces, gap: 10 } });
    const { api, sdk } = openai();
    const stream = await sdk.chat.completions.create({ model: OPENAI_MODEL, messages, stream: true });
    const got = (await collect(stream, 5_000, "the stream")).map((part) => part.choices[0]?.delta?.content ?? "");

    expect(got.join("")).toBe("Hello, world");
    expect(srv().hits).toHaveLength(1);
    expectCompletionRequest(rec.seen[0]!.hit);
    expect(rec.seen[0]!.body.stream).toBe(true);
    expect(await closedFully(srv().hits[0]!)).toBe(true);
    expect(api.stats).toMatchObject({ calls: 1, requests: 1, timeouts: 0 });
  });

  test("a 429 with Retry-After, then success: tierfetch waits as told and retries, the SDK sees only the success", async () => {
    const rec = openaiRoute(srv(), {
      // Retry-After in (decimal) seconds: tierfetch reads 0.25 as 250 ms, so the test waits a quarter second, not one.
      reply: (n) => (n === 1 ? { status: 429, headers: { "retry-after": "0.25" } } : "ok"),
    });
    const waits: (number | undefined)[] = [];
    const { api, sdk } = openai({ hooks: { beforeRetry: [({ retryAfter }) => void waits.push(retryAfter)] } });
    const completion = await within(sdk.chat.completions.create({ model: OPENAI_MODEL, messages }), 5_000, "the completion");

    expect(completion.choices[0]!.message.content).toBe("Hello from the mock");
    expect(srv().hits).toHaveLength(2);
    for (const { hit } of rec.seen) {
      expectCompletionRequest(hit);
      // One SDK attempt: the SDK never retried, tierfetch did underneath with the same headers.
      expect(hit.headers["x-stainless-retry-count"]).toBe("0");
    }
    expect(rec.seen[1]!.body).toEqual(rec.seen[0]!.body);
    expect(waits).toEqual([250]);
    // Lower bound only (a busy machine may be slower, never faster).
    expect(rec.seen[1]!.hit.at - rec.seen[0]!.hit.at).toBeGreaterThanOrEqual(240);
    expect(api.stats).toMatchObject({ calls: 1, requests: 2, retries: 1 });
    expect(api.stats.rateLimitErrors[0]).toBe(1);
  });

  test("always 429 with the SDK's retries off: exactly maxRetries + 1 requests per SDK call, then the SDK's own RateLimitError", async () => {
    const maxRetries = 3;
    openaiRoute(srv(), { reply: () => ({ status: 429, headers: { "retry-after-ms": "5" } }) });
    const { api, sdk } = openai({ retry: { ...QUICK_RETRY, maxRetries } });

    for (let call = 1; call <= 2; call++) {
      const error = await rejection(sdk.chat.completions.create({ model: OPENAI_MODEL, messages }));
      expect(error).toBeInstanceOf(RateLimitError);
      expect(error.status).toBe(429);
      expect(error.message).toContain("mock 429");
      expect(srv().hits).toHaveLength(call * (maxRetries + 1));
    }
    for (const hit of srv().hits) {
      expectCompletionRequest(hit);
      expect(hit.headers["x-stainless-retry-count"]).toBe("0");
    }
    expect(api.stats).toMatchObject({ calls: 2, requests: 2 * (maxRetries + 1), retries: 2 * maxRetries });
    expect(api.stats.rateLimitErrors.slice(0, maxRetries + 1)).toEqual([2, 2, 2, 2]);
  });

  test("why the recipe turns the SDK's retries off: left on, they multiply with tierfetch's ((2 + 1) x (1 + 1) requests)", async () => {
    openaiRoute(srv(), { reply: () => ({ status: 429, headers: { "retry-after-ms": "5" } }) });
    const api = client({ retry: { ...QUICK_RETRY, maxRetries: 1 } });
    const sdk = new OpenAI({ apiKey: API_KEY, baseURL: `${srv().url}/v1`, fetch: api.fetch, maxRetries: 2 });
    const error = await rejection(sdk.chat.completions.create({ model: OPENAI_MODEL, messages }));

    expect(error).toBeInstanceOf(RateLimitError);
    expect(srv().hits).toHaveLength(6);
    expect(srv().hits.map((h) => h.headers["x-stainless-retry-count"])).toEqual(["0", "0", "1", "1", "2", "2"]);
  });

  test("a 500 storm on a POST: sent once (POST is not retried on 500), the SDK's InternalServerError", async () => {
    openaiRoute(srv(), { reply: () => ({ status: 500 }) });
    const { api, sdk } = openai({ retry: { ...QUICK_RETRY, maxRetries: 3 } });
    const error = await rejection(sdk.chat.completions.create({ model: OPENAI_MODEL, messages }));

    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.status).toBe(500);
    expect(srv().hits).toHaveLength(1);
    expect(srv().hits[0]!.headers["idempotency-key"]).toBeUndefined();
    expect(api.stats).toMatchObject({ calls: 1, requests: 1, retries: 0 });
  });

  test("a 500 storm on a POST with an Idempotency-Key header: retried as idempotent with the same key, then InternalServerError", async () => {
    const maxRetries = 3;
    openaiRoute(srv(), { reply: () => ({ status: 500 }) });
    const { api, sdk } = openai({ retry: { ...QUICK_RETRY, maxRetries } });
    const error = await rejection(
      sdk.chat.completions.create({ model: OPENAI_MODEL, messages }, { headers: { "Idempotency-Key": "idem-0042" } }),
    );

    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.status).toBe(500);
    expect(srv().hits).toHaveLength(maxRetries + 1);
    for (const hit of srv().hits) {
      expectCompletionRequest(hit);
      expect(hit.headers["idempotency-key"]).toBe("idem-0042");
    }
    expect(api.stats).toMatchObject({ calls: 1, requests: maxRetries + 1, retries: maxRetries });
  });

  test("abort midway through a stream: the SDK stops, the server sees its response closed unfinished, nothing is retried", async () => {
    const pieces = Array.from({ length: 200 }, (_, i) => `t${i} `);
    openaiRoute(srv(), { stream: { pieces, gap: 20 } });
    const { api, sdk } = openai();
    const controller = new AbortController();
    const stream = await within(
      sdk.chat.completions.create({ model: OPENAI_MODEL, messages, stream: true }, { signal: controller.signal }),
      5_000,
      "the stream head",
    );
    const got: string[] = [];
    let thrown: unknown;
    try {
      await within(
        (async () => {
          for await (const part of stream) {
            const text = part.choices[0]?.delta?.content;
            if (text) got.push(text);
            if (got.length === 3) controller.abort();
          }
        })(),
        5_000,
        "the stream ending after the abort",
      );
    } catch (error) {
      thrown = error;
    }
    // openai's Stream ends quietly on an abort; a later SDK may throw its own abort error.
    if (thrown !== undefined) expect(thrown).toBeInstanceOf(APIUserAbortError);
    expect(got.length).toBeGreaterThanOrEqual(3);
    expect(got.length).toBeLessThan(pieces.length);

    const hit = srv().hits[0]!;
    expect(await closedFully(hit)).toBe(false);
    await srv().waitFor(() => hit.socket.destroyed, 2_000, "the socket to close");
    expect(srv().hits).toHaveLength(1);
    expect(api.stats.retries).toBe(0);
  });

  test("a stream several times longer than the tier completes on default options (the tier bounds the gaps, not the whole)", async () => {
    // Scaled down: a 400 ms medium tier (the default tier) and a stream of about 2 s (5 tiers) with 50 ms gaps.
    const pieces = Array.from({ length: 40 }, (_, i) => `w${i} `);
    openaiRoute(srv(), { stream: { pieces, gap: 50 } });
    const { api, sdk } = openai({ timeouts: { medium: "400ms" } });
    const started = performance.now();
    const stream = await sdk.chat.completions.create({ model: OPENAI_MODEL, messages, stream: true });
    const got = (await collect(stream, 10_000, "the long stream")).map((part) => part.choices[0]?.delta?.content ?? "");
    const took = performance.now() - started;

    expect(got.join("")).toBe(pieces.join(""));
    expect(took).toBeGreaterThan(4 * 400); // it really outlived the tier several times over
    expect(await closedFully(srv().hits[0]!)).toBe(true);
    expect(srv().hits).toHaveLength(1);
    expect(api.stats).toMatchObject({ requests: 1, timeouts: 0, retries: 0 });
  });

  test("a stream that goes quiet still ends: a gap longer than the tier fails the SDK's iterator with tierfetch's TimeoutError", async () => {
    // Two pieces, then a 30 s silence the 300 ms tier must cut.
    openaiRoute(srv(), { stream: { pieces: ["a", "b"], gap: 30_000 } });
    const { sdk } = openai({ timeouts: { medium: "300ms" } });
    const stream = await sdk.chat.completions.create({ model: OPENAI_MODEL, messages, stream: true });
    const error = await rejection(
      (async () => {
        for await (const _ of stream) void _;
      })(),
      5_000,
    );

    expect(isTimeoutError(error)).toBe(true);
    expect(String(error)).not.toContain(API_KEY);
    expect(await closedFully(srv().hits[0]!)).toBe(false);
  });

  test("a server that never sends headers: the tier times the attempt out, the POST is not resent, the SDK says APIConnectionTimeoutError", async () => {
    openaiRoute(srv(), { reply: () => "hang" });
    const { api, sdk } = openai({ timeouts: { medium: "200ms" } });
    const error = await rejection(sdk.chat.completions.create({ model: OPENAI_MODEL, messages }), 8_000);

    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    // A POST that timed out may have been processed: without an Idempotency-Key it is sent once.
    expect(srv().hits).toHaveLength(1);
    expectCompletionRequest(srv().hits[0]!);
    await within(srv().hits[0]!.closed, 2_000, "the timed-out request to close");
    expect(api.stats).toMatchObject({ requests: 1, timeouts: 1 });
  });
  test("a refused connection: api.fetch rejects as fetch would, the POST is not resent, the SDK says APIConnectionError", async () => {
    const port = await closedPort();
    const api = client();
    const sdk = new OpenAI({ apiKey: API_KEY, baseURL: `http://127.0.0.1:${port}/v1`, fetch: api.fetch, maxRetries: 0 });
    const error = await rejection(sdk.chat.completions.create({ model: OPENAI_MODEL, messages }));

    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error).not.toBeInstanceOf(APIConnectionTimeoutError);
    expect(isNetworkError(error.cause)).toBe(true);
    expect(String(error.cause)).not.toContain(API_KEY);
    expect(api.stats).toMatchObject({ calls: 1, requests: 1, networkErrors: 1 });
  });
});
