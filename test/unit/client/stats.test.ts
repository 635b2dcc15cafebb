import { http } from "msw";
import { describe, expect, it } from "vitest";
import { createClient } from "../../../src/index.js";
import { replies, useMockServer, type Reply } from "../helpers/msw.js";

const { server } = useMockServer();
const QUICK = { minDelay: 1, maxDelay: 1 };

function client(script: Reply[], extra: object = {}) {
  server.use(http.all("https://api.test/r", replies(...script)));
  return createClient({ baseUrl: "https://api.test", retry: QUICK, ...extra });
}

describe("stats", () => {
  it("has exactly the spec's counters, all zero on a new client", () => {
    const { stats } = createClient();
    expect(Object.keys(stats).sort()).toEqual(["budgetExhausted", "calls", "hedges", "httpErrors", "networkErrors", "rateLimitErrors", "requests", "retries", "timeouts"]);
    expect(stats).toEqual({ calls: 0, requests: 0, retries: 0, timeouts: 0, networkErrors: 0, httpErrors: 0, rateLimitErrors: [], budgetExhausted: 0, hedges: 0 });
  });

  it("counts a logical request once in calls and each attempt in requests", async () => {
    const api = client([503, 500, 200]);
    await api.get("r");
    expect(api.stats).toMatchObject({ calls: 1, requests: 3, retries: 2, httpErrors: 2 });
  });

  it("counts rateLimitErrors[i] as the 429s seen on attempt i", async () => {
    const api = client([429, 429, 200]);
    await api.get("r");
    expect(api.stats.rateLimitErrors).toEqual([1, 1]);
    await api.get("r"); // the script now answers 200 at once
    expect(api.stats.rateLimitErrors).toEqual([1, 1]);
  });

  it("adds up rateLimitErrors per attempt index across calls", async () => {
    server.use(http.get("https://api.test/a", replies(429, 200)), http.get("https://api.test/b", replies(429, 429, 429, 200)));
    const api = createClient({ baseUrl: "https://api.test", retry: QUICK });
    await api.get("a");
    await api.get("b");
    expect(api.stats.rateLimitErrors).toEqual([2, 1, 1]);
  });

  it("reads 0, not a hole, for an attempt index that saw no 429", async () => {
    const api = client([503, 503, 429, 200]);
    await api.get("r");
    expect(api.stats.rateLimitErrors[0]).toBe(0);
    expect(api.stats.rateLimitErrors[1]).toBe(0);
    expect(api.stats.rateLimitErrors[2]).toBe(1);
    expect(JSON.stringify(api.stats.rateLimitErrors)).toBe("[0,0,1]");
  });

  it("counts network errors and timeouts per attempt", async () => {
    const api = client(["network-error", "hang", "network-error", 200], { timeout: 20 });
    await api.get("r");
    expect(api.stats).toMatchObject({ calls: 1, requests: 4, retries: 3, networkErrors: 2, timeouts: 1, httpErrors: 0 });
  });

  it("counts an error status that was not retried", async () => {
    const api = client([404]);
    await api.get("r").catch(() => {});
    expect(api.stats).toMatchObject({ calls: 1, requests: 1, retries: 0, httpErrors: 1 });
  });

  it("counts an error status returned with throwHttpErrors: false", async () => {
    const api = client([404], { throwHttpErrors: false });
    await api.get("r");
    expect(api.stats.httpErrors).toBe(1);
  });

  it("counts a token refresh after a 401 as a request, not a retry", async () => {
    let n = 0;
    server.use(http.get("https://api.test/r", replies(401, 200)));
    const api = createClient({ baseUrl: "https://api.test", token: () => `t${++n}` });
    await api.get("r");
    expect(api.stats).toMatchObject({ calls: 1, requests: 2, retries: 0 });
  });

  it("counts no request for a call that failed validation", async () => {
    const api = createClient({ baseUrl: "https://api.test" });
    await api.get("r", { timeout: "nope" as never }).catch(() => {});
    expect(api.stats.requests).toBe(0);
  });

  it("counts retries refused by the budget in budgetExhausted", async () => {
    const api = client([503], { retry: { ...QUICK, budget: { ratio: 0, minPerSecond: 0 } } });
    await api.get("r").catch(() => {});
    expect(api.stats).toMatchObject({ calls: 1, requests: 1, retries: 0, budgetExhausted: 1 });
  });
});
