/**
 * stats.timeouts counts every attempt that ended in a timeout, also when the timeout fires in a
 * body the caller reads after the response was handed over (a streamed Response, `.sse()`,
 * `api.fetch`). A real loopback server sends the head and then stalls; timeouts are 50–150 ms
 * and nothing asserts an upper bound on time.
 */
import { describe, expect, test } from "vitest";
import { sse, TimeoutError } from "../../src/index.js";
import { useClients } from "./support/clients.js";
import { rejection, useServer, within } from "./support/server.js";

const srv = useServer();
const client = useClients(srv);

/** Headers and `first` at once, then nothing. */
function stall(path: string, contentType: string, first: string) {
  srv().route(path, (_req, res) => {
    res.writeHead(200, { "content-type": contentType });
    res.write(first);
  });
}

async function drain(stream: AsyncIterable<unknown>): Promise<unknown[]> {
  const got: unknown[] = [];
  for await (const item of stream) got.push(item);
  return got;
}

describe("stats.timeouts counts timeouts in a body read after the response", { timeout: 10_000 }, () => {
  test("a streamed Response whose body goes idle", async () => {
    stall("/stall", "text/plain", "half");
    const api = client({ retry: false });
    const res = await within(api.get("stall", { timeout: "none", idleTimeout: 80 }), 2_000, "the response head");
    const error = await rejection(res.text());
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.kind).toBe("idle");
    expect(api.stats).toMatchObject({ calls: 1, requests: 1, timeouts: 1, networkErrors: 0 });
  });

  test("a Duration timeout elapsing while the caller reads the body", async () => {
    stall("/stall", "text/plain", "half");
    const api = client({ retry: false });
    const res = await within(api.get("stall", { timeout: 150 }), 2_000, "the response head");
    const error = await rejection(res.text());
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.kind).toBe("attempt");
    expect(api.stats.timeouts).toBe(1);
  });

  test("api.fetch: a body that goes idle", async () => {
    stall("/stall", "text/plain", "half");
    const api = client({ retry: false, idleTimeout: 80, timeout: "none" });
    const res = await within(api.fetch(`${srv().url}/stall`), 2_000, "the response head");
    await expect(res.text()).rejects.toBeInstanceOf(TimeoutError);
    expect(api.stats.timeouts).toBe(1);
  });

  test(".sse(): an event stream that goes quiet after one event", async () => {
    stall("/events", "text/event-stream", "data: one\n\n");
    const api = client({ retry: false });
    const got: unknown[] = [];
    const error = await rejection(
      (async () => {
        for await (const event of sse(api.get("events", { timeout: "none", idleTimeout: 80 }))) got.push(event);
      })(),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.kind).toBe("idle");
    expect(got).toHaveLength(1);
    expect(api.stats.timeouts).toBe(1);
  });

  test(".sse({ reconnect: true }): each stream that went quiet counts once", async () => {
    // No events at all, so the reconnections do not reset: the first request and one reconnection, both quiet.
    stall("/events", "text/event-stream", ": hello\n\n");
    const api = client({ retry: { maxRetries: 1, minDelay: 1, maxDelay: 1, budget: false } });
    const error = await rejection(drain(sse(api.get("events", { timeout: "none", idleTimeout: 60 }), { reconnect: true })));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(srv().hitsOf("/events")).toHaveLength(2);
    expect(api.stats).toMatchObject({ calls: 1, requests: 2, retries: 1, timeouts: 2 });
  });

  test("a buffered shortcut's timeout is still counted once (in its attempt's outcome)", async () => {
    stall("/stall", "text/plain", "half");
    const api = client({ retry: false });
    const error = await rejection(api.get("stall", { timeout: "none", idleTimeout: 60 }).text());
    expect(error).toBeInstanceOf(TimeoutError);
    expect(api.stats.timeouts).toBe(1);
  });

  test("a user abort while the body is read is not a timeout", async () => {
    stall("/stall", "text/plain", "half");
    const controller = new AbortController();
    const api = client({ retry: false });
    const res = await within(api.get("stall", { timeout: 150, signal: controller.signal }), 2_000, "the response head");
    const reading = rejection(res.text());
    controller.abort(new Error("stop"));
    await reading;
    await new Promise((r) => setTimeout(r, 250)); // past the 150 ms the attempt's timer had
    expect(api.stats.timeouts).toBe(0);
  });

  test("a body nobody reads is no timeout: its Duration passing frees it, uncounted", async () => {
    srv().route("/done", (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("complete");
    });
    const api = client({ retry: false });
    await within(api.get("done", { timeout: 100 }), 2_000, "the response head");
    const viaFetch = client({ retry: false, timeout: 100 });
    await within(viaFetch.fetch(`${srv().url}/done`), 2_000, "the response head");
    await new Promise((r) => setTimeout(r, 300)); // past the 100 ms each attempt's timer had
    expect(api.stats.timeouts).toBe(0);
    expect(viaFetch.stats.timeouts).toBe(0);
  });
});
