/**
 * Rate-limit headers over a real socket: the delay a 429 or 503 without Retry-After asks for
 * reaches the retry decision (seen by beforeRetry, which vetoes so nothing sleeps for real).
 */
import { expect, test } from "vitest";
import type { RetryContext } from "../../src/index.js";
import { useClients } from "./support/clients.js";
import { rejection, useServer } from "./support/server.js";

const srv = useServer();
const client = useClients(srv);

async function toldFor(status: number, headers: Record<string, string>) {
  srv().route("/limited", (_req, res) => res.writeHead(status, headers).end("slow down"));
  const told: Pick<RetryContext, "delay" | "retryAfter">[] = [];
  const api = client({ hooks: { beforeRetry: [({ delay, retryAfter }) => (told.push({ delay, retryAfter }), false)] } });
  const error = await rejection(api.get("limited").text());
  expect(error.status).toBe(status);
  return told;
}

test("RateLimit: the largest t of its policies", async () => {
  expect(await toldFor(429, { RateLimit: '"burst";r=0;t=2, "day";r=100;t=7', "RateLimit-Policy": '"burst";q=10;w=1' })).toEqual([{ delay: 7000, retryAfter: 7000 }]);
});

test("X-RateLimit-Reset as a Unix time on a 503; a long garbage RateLimit field is ignored", async () => {
  const told = await toldFor(503, { RateLimit: `"a";t=${"9".repeat(8000)}`, "X-RateLimit-Reset": String(Math.floor(Date.now() / 1000) + 30) });
  expect(told[0]!.retryAfter).toBeGreaterThan(25_000);
  expect(told[0]!.retryAfter).toBeLessThanOrEqual(30_000);
});

test("RateLimit-Reset in delta seconds", async () => {
  expect(await toldFor(429, { "RateLimit-Reset": "3" })).toEqual([{ delay: 3000, retryAfter: 3000 }]);
});
