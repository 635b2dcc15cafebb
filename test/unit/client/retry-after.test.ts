import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { createClient, HttpError, type RetryContext } from "../../../src/index.js";
import { useFirstAnswer } from "../helpers/first-answer.js";
import { drive, EPOCH, track } from "../helpers/timers.js";

const { server, seen, afterHeaders } = useFirstAnswer();

describe("Retry-After sets the delay of the next retry", () => {
  it("in delta seconds", async () => {
    const r = await afterHeaders({ "Retry-After": "3" });
    expect(r.delays).toEqual([3000]);
    expect(r.call.fulfilled).toBe(true);
    expect(r.sent).toBe(2);
  });

  it("above maxDelay when the server asks for it", async () => {
    expect((await afterHeaders({ "Retry-After": "20" })).delays).toEqual([20_000]);
  });

  it("never below minDelay", async () => {
    expect((await afterHeaders({ "Retry-After": "0" })).delays).toEqual([500]);
    expect((await afterHeaders({ "Retry-After": "0" }, { retry: { minDelay: "2s" } })).delays).toEqual([2000]);
  });

  it("as an IMF-fixdate HTTP date", async () => {
    const date = new Date(EPOCH + 4000).toUTCString();
    expect(date).toBe("Tue, 01 Jan 2030 00:00:04 GMT");
    expect((await afterHeaders({ "Retry-After": date })).delays).toEqual([4000]);
  });

  it("as an RFC 850 HTTP date", async () => {
    expect((await afterHeaders({ "Retry-After": "Tuesday, 01-Jan-30 00:00:04 GMT" })).delays).toEqual([4000]);
  });

  it("as an asctime HTTP date", async () => {
    expect((await afterHeaders({ "Retry-After": "Tue Jan  1 00:00:04 2030" })).delays).toEqual([4000]);
  });

  it("a date in the past means minDelay", async () => {
    expect((await afterHeaders({ "Retry-After": "Mon, 31 Dec 2029 23:59:00 GMT" })).delays).toEqual([500]);
  });

  it("an unreadable value falls back to the backoff", async () => {
    const r = await afterHeaders({ "Retry-After": "soon" }, { retry: { minDelay: "700ms" } });
    expect(r.delays).toEqual([700]);
    expect(r.sent).toBe(2);
  });

  it("retry-after-ms gives milliseconds", async () => {
    expect((await afterHeaders({ "retry-after-ms": "1234" })).delays).toEqual([1234]);
  });

  it("retry-after-ms is never below minDelay either", async () => {
    expect((await afterHeaders({ "retry-after-ms": "50" })).delays).toEqual([500]);
  });

  it("applies to a 429 on POST", async () => {
    const r = await afterHeaders({ "Retry-After": "2" }, { status: 429, method: "POST" });
    expect(r.delays).toEqual([2000]);
    expect(r.sent).toBe(2);
  });

  it("is what beforeRetry and shouldRetry are told", async () => {
    server.use(http.get("https://api.test/r", () => new HttpResponse(null, { status: 503, headers: { "Retry-After": "3" } })));
    const told: Pick<RetryContext, "delay" | "retryAfter">[] = [];
    const api = createClient({
      baseUrl: "https://api.test",
      timeout: "none",
      retry: { maxRetries: 1, shouldRetry: ({ delay, retryAfter }) => void told.push({ delay, retryAfter }) },
      hooks: { beforeRetry: [({ delay, retryAfter }) => void told.push({ delay, retryAfter })] },
    });
    await drive(track(api.get("r")));
    expect(told).toEqual([{ delay: 3000, retryAfter: 3000 }, { delay: 3000, retryAfter: 3000 }]);
  });
});

describe("Retry-After past the deadline", () => {
  it("gives up at once with that response's HttpError instead of sleeping", async () => {
    const r = await afterHeaders({ "Retry-After": "600" });
    expect(r.delays).toEqual([]);
    expect(r.sent).toBe(1);
    const error = r.call.error as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(503);
    expect(error.attempts).toBe(1);
    expect(await error.response.text()).toBe("busy");
  });

  it("does so for an HTTP date past the deadline too", async () => {
    const r = await afterHeaders({ "Retry-After": new Date(EPOCH + 3_600_000).toUTCString() });
    expect(r.delays).toEqual([]);
    expect((r.call.error as HttpError).status).toBe(503);
  });

  it("measures against the deadline option", async () => {
    const late = await afterHeaders({ "Retry-After": "11" }, { retry: { deadline: "10s" } });
    expect(late.delays).toEqual([]);
    expect(late.sent).toBe(1);
    const inTime = await afterHeaders({ "Retry-After": "9" }, { retry: { deadline: "10s" } });
    expect(inTime.delays).toEqual([9000]);
    expect(inTime.sent).toBe(2);
  });

  it("counts the time already spent since the first attempt began", async () => {
    // 4 s pass in the first attempt; a 7 s Retry-After would then start the retry 11 s in.
    server.use(
      http.get("https://api.test/r", async () => {
        await new Promise((r) => setTimeout(r, 4000));
        return new HttpResponse(null, { status: 503, headers: { "Retry-After": "7" } });
      }),
    );
    const call = await drive(track(createClient({ baseUrl: "https://api.test", timeout: "none", retry: { deadline: "10s" } }).get("r")));
    expect((call.error as HttpError).status).toBe(503);
    expect(seen).toHaveLength(1);
  });
});
