import { http } from "msw";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createClient, isTierfetchError, TierfetchError } from "../../../src/index.js";
import { replies, streamOf, useMockServer, waitForRequests } from "../helpers/msw.js";
import { fakeClock, flush, track } from "../helpers/timers.js";
import { HttpResponse } from "msw";

const { server, seen } = useMockServer();

afterEach(() => vi.useRealTimers());

function expectClosed(error: unknown): void {
  expect(error).toBeInstanceOf(TierfetchError);
  expect(isTierfetchError(error)).toBe(true);
  expect((error as TierfetchError).code).toBe("ERR_CLOSED");
}

describe("close()", () => {
  it("rejects a request in flight with ERR_CLOSED", async () => {
    server.use(http.get("https://api.test/r", replies("hang")));
    const api = createClient({ baseUrl: "https://api.test" });
    const pending = api.get("r").catch((e: unknown) => e);
    await waitForRequests(seen, 1);
    await api.close();
    expectClosed(await pending);
  });

  it("rejects every request in flight", async () => {
    server.use(http.get("https://api.test/r", replies("hang")));
    const api = createClient({ baseUrl: "https://api.test" });
    const pending = [api.get("r").catch((e: unknown) => e), api.get("r").json().catch((e: unknown) => e), api.get("r").text().catch((e: unknown) => e)];
    await waitForRequests(seen, 3);
    await api.close();
    for (const error of await Promise.all(pending)) expectClosed(error);
  });

  it("rejects later requests with ERR_CLOSED, sending nothing", async () => {
    server.use(http.get("https://api.test/r", replies(200)));
    const api = createClient({ baseUrl: "https://api.test" });
    await api.close();
    expectClosed(await api.get("r").catch((e: unknown) => e));
    expectClosed(await api.get("r").json().catch((e: unknown) => e));
    expect(seen).toHaveLength(0);
  });

  it("rejects a request waiting for its retry at once, and sends nothing more", async () => {
    fakeClock();
    server.use(http.get("https://api.test/r", replies(503)));
    const api = createClient({ baseUrl: "https://api.test", timeout: "none", retry: { minDelay: "10s" } });
    const call = track(api.get("r"));
    await flush();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(seen).toHaveLength(1);
    await api.close();
    await flush();
    expect(call.settled).toBe(true);
    expectClosed(call.error);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(seen).toHaveLength(1);
  });

  it("ends a body the caller is reading with ERR_CLOSED", async () => {
    server.use(http.get("https://api.test/r", () => new HttpResponse(streamOf(["first "], "stall"))));
    const api = createClient({ baseUrl: "https://api.test" });
    const response = await api.get("r");
    const reading = response.text().catch((e: unknown) => e);
    await api.close();
    expectClosed(await reading);
  });

  it("wins over a user's signal that is still live", async () => {
    server.use(http.get("https://api.test/r", replies("hang")));
    const api = createClient({ baseUrl: "https://api.test" });
    const pending = api.get("r", { signal: new AbortController().signal }).catch((e: unknown) => e);
    await waitForRequests(seen, 1);
    await api.close();
    expectClosed(await pending);
  });

  it("can be called twice", async () => {
    const api = createClient();
    await api.close();
    await expect(api.close()).resolves.toBeUndefined();
  });

  it("does not touch another client", async () => {
    server.use(http.get("https://api.test/r", replies(200)));
    const a = createClient({ baseUrl: "https://api.test" });
    const b = createClient({ baseUrl: "https://api.test" });
    await a.close();
    expect((await b.get("r")).status).toBe(200);
  });

  it("of a parent closes its extend() children; a child's leaves the parent open", async () => {
    server.use(http.get("https://api.test/r", replies(200)));
    const parent = createClient({ baseUrl: "https://api.test" });
    const child = parent.extend({ headers: { "x-c": "1" } });
    const other = parent.extend({});
    await other.close();
    expect((await parent.get("r")).status).toBe(200);
    await parent.close();
    expectClosed(await child.get("r").catch((e: unknown) => e));
  });
});

describe("Symbol.asyncDispose", () => {
  it("is close()", async () => {
    server.use(http.get("https://api.test/r", replies(200)));
    const api = createClient({ baseUrl: "https://api.test" });
    expect(typeof api[Symbol.asyncDispose]).toBe("function");
    await api[Symbol.asyncDispose]();
    expectClosed(await api.get("r").catch((e: unknown) => e));
    expect(seen).toHaveLength(0);
  });

  it("lets `await using` close the client at the end of the block", async () => {
    server.use(http.get("https://api.test/r", replies(200)));
    let escaped: ReturnType<typeof createClient> | undefined;
    {
      await using api = createClient({ baseUrl: "https://api.test" });
      escaped = api;
      expect((await api.get("r")).status).toBe(200);
    }
    expectClosed(await escaped!.get("r").catch((e: unknown) => e));
    expect(seen).toHaveLength(1);
  });

  it("aborts what is in flight when the block ends", async () => {
    server.use(http.get("https://api.test/r", replies("hang")));
    let pending: Promise<unknown> | undefined;
    {
      await using api = createClient({ baseUrl: "https://api.test" });
      pending = api.get("r").catch((e: unknown) => e);
      await waitForRequests(seen, 1);
    }
    expectClosed(await pending);
  });
});
