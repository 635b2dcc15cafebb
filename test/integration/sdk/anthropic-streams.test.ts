/**
 * What docs/sdks.md states about the Anthropic SDK's streams on api.fetch, held here:
 * - an abort during `for await` over `messages.create({ stream: true })` ends the loop silently,
 *   as it does on the global fetch (the SDK treats an AbortError as the caller's own stop);
 * - a stream that goes quiet under `messages.stream().finalText()` rejects with the SDK's
 *   AnthropicError whose `cause` is tierfetch's TimeoutError, so `isTimeoutError(err)` is false
 *   and walking `cause` finds it.
 */
import Anthropic, { AnthropicError } from "@anthropic-ai/sdk";
import { describe, expect, test } from "vitest";
import { isTimeoutError, type ClientOptions } from "../../../src/index.js";
import { useClients } from "../support/clients.js";
import { rejection, useServer, within } from "../support/server.js";
import { ANTHROPIC_MODEL, anthropicRoute, closedFully } from "./support/wire.js";

const srv = useServer();
const client = useClients(srv);

const API_KEY = "sk-ant-mock-secret-0123456789";
const params = { model: ANTHROPIC_MODEL, max_tokens: 64, messages: [{ role: "user" as const, content: "Say hi" }] };

function anthropic(options: ClientOptions = {}) {
  const api = client(options);
  const sdk = new Anthropic({ apiKey: API_KEY, baseURL: srv().url, fetch: api.fetch, maxRetries: 0 });
  return { api, sdk };
}

describe("@anthropic-ai/sdk streams on api.fetch (as docs/sdks.md says)", () => {
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
