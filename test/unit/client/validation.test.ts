import { http, HttpResponse } from "msw";
import { describe, expect, it, vi } from "vitest";
import { createClient, type RequestOptions } from "../../../src/index.js";
import { useMockServer } from "../helpers/msw.js";

const { server, seen } = useMockServer();

/** Sends with these options; checks it did not throw synchronously, rejected, and sent nothing. */
async function rejection(options: RequestOptions, method = "POST", url: unknown = "r"): Promise<Error> {
  server.use(http.all("*", () => HttpResponse.text("ok")));
  const api = createClient({ baseUrl: "https://api.test" });
  let pending: Promise<unknown> | undefined;
  expect(() => {
    pending = api.request(method, url as string, options);
  }).not.toThrow();
  const error = await pending!.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "rejected").toBeInstanceOf(TypeError);
  expect(seen, "nothing was sent").toHaveLength(0);
  return error as Error;
}

describe("bad request options reject with a TypeError naming the option, and nothing is sent", () => {
  const cases: [string, RequestOptions, RegExp, string?][] = [
    ["json together with body", { json: { a: 1 }, body: "x" }, /json.*body|body.*json/],
    ["an unknown tier", { timeout: "medum" as never }, /timeout/],
    ["a bad timeout duration", { timeout: "5 parsecs" }, /timeout/],
    ["a negative timeout", { timeout: -1 }, /timeout/],
    ["a NaN timeout", { timeout: Number.NaN }, /timeout/],
    ["a bad idleTimeout", { idleTimeout: "soon" }, /idleTimeout/],
    ["a bad retry.minDelay", { retry: { minDelay: "x" } }, /minDelay/],
    ["a bad retry.maxDelay", { retry: { maxDelay: -5 } }, /maxDelay/],
    ["a bad retry.deadline", { retry: { deadline: "forever" } }, /deadline/],
    ["a negative retry count", { retry: -1 }, /retry|maxRetries/],
    ["a fractional retry.maxRetries", { retry: { maxRetries: 1.5 } }, /maxRetries/],
    ["a retry given as a string", { retry: "3" as never }, /retry/],
    ["a retry.factor below 1", { retry: { factor: 0.5 } }, /factor/],
    ["retry.statuses that are not statuses", { retry: { statuses: [99, 200] } }, /statuses/],
    ["a retry.shouldRetry that is not a function", { retry: { shouldRetry: "yes" as never } }, /shouldRetry/],
    ["a json value holding a BigInt", { json: { n: 10n } }, /json/],
    ["a json value with a cycle", { json: cyclic() }, /json/],
    ["an empty idempotencyKey", { idempotencyKey: "" }, /idempotencyKey/],
    ["a signal that is not an AbortSignal", { signal: {} as never }, /signal/],
    ["an onDownloadProgress that is not a function", { onDownloadProgress: 5 as never }, /onDownloadProgress/],
    ["a query that is not an object", { query: 5 as never }, /query/],
    ["hooks that are not functions", { hooks: { beforeRequest: [5 as never] } }, /hooks/],
  ];
  for (const [what, options, pattern] of cases) {
    it(`rejects ${what}`, async () => {
      const error = await rejection(options);
      expect(error.message).toMatch(pattern);
    });
  }

  it("rejects a body on a GET request", async () => {
    await rejection({ json: { a: 1 } }, "GET");
  });

  it("rejects a URL that is neither a string nor a URL", async () => {
    await rejection({}, "GET", 42);
  });

  it("rejects a relative URL when there is no baseUrl", async () => {
    server.use(http.all("*", () => HttpResponse.text("ok")));
    const error = await createClient().get("users").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(seen).toHaveLength(0);
  });
});

describe("bad headers reject naming the header, never quoting its value", () => {
  const SECRET = "s3cr3t-value";
  const values: [string, string][] = [
    ["CR LF in the middle", `${SECRET}\r\nx-injected: 1`],
    ["a lone LF", `${SECRET}\nmore`],
    ["a lone CR", `${SECRET}\rmore`],
    ["a NUL", `${SECRET}\0more`],
    ["a trailing CR LF", `${SECRET}\r\n`],
    ["a leading LF", `\n${SECRET}`],
  ];
  for (const [what, value] of values) {
    it(`rejects a header value with ${what}`, async () => {
      const error = await rejection({ headers: { "x-note": value } }, "GET");
      expect(error.message).toContain("x-note");
      expect(error.message).not.toContain(SECRET);
    });
  }

  for (const name of ["x-bad\r\nname", "x bad", "x-nul\0", ""]) {
    it(`rejects the header name ${JSON.stringify(name)}`, async () => {
      const error = await rejection({ headers: { [name]: "v" } }, "GET");
      expect(error.message).toMatch(/header/i);
    });
  }

  it("rejects an idempotencyKey with a line break, without quoting it", async () => {
    const error = await rejection({ idempotencyKey: `${SECRET}\nx` });
    expect(error.message).toMatch(/idempotencyKey/);
    expect(error.message).not.toContain(SECRET);
  });

  it("rejects a token with a line break before sending, without quoting it", async () => {
    server.use(http.all("*", () => HttpResponse.text("ok")));
    const error = await createClient({ baseUrl: "https://api.test", token: `${SECRET}\r\n`, retry: { minDelay: 1, maxDelay: 1 } }).get("r").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/token/);
    expect((error as Error).message).not.toContain(SECRET);
    expect(seen).toHaveLength(0);
  });

  it("rejects a token function that returns something other than a string, sending nothing", async () => {
    server.use(http.all("*", () => HttpResponse.text("ok")));
    const error = await createClient({ baseUrl: "https://api.test", token: (() => 42) as never, retry: { minDelay: 1, maxDelay: 1 } }).get("r").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/token/);
    expect(seen).toHaveLength(0);
  });

  it("refuses an empty token, given or returned, sending nothing (never `Authorization: Bearer `)", async () => {
    server.use(http.all("*", () => HttpResponse.text("ok")));
    expect(() => createClient({ token: "" })).toThrow(/token.*non-empty/);
    const error = await createClient({ baseUrl: "https://api.test", token: () => " ", retry: false }).get("r").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/token/);
    expect(seen).toHaveLength(0);
  });
});

describe("bad client options", () => {
  const cases: [string, object, RegExp][] = [
    ["an unknown default tier", { timeout: "medum" }, /timeout/],
    ["a bad tier length", { timeouts: { short: "quick" } }, /timeouts\.short/],
    ["an unknown tier in timeouts", { timeouts: { tiny: "1s" } }, /timeouts/],
    ["a baseUrl that is not absolute", { baseUrl: "/v2" }, /baseUrl/],
    ["a baseUrl that is not http(s)", { baseUrl: "ftp://files.test/" }, /baseUrl/],
    ["a fetch that is not a function", { fetch: "fetch" }, /fetch/],
    ["a token that is neither a string nor a function", { token: 42 }, /token/],
    ["a default header value with a line break", { headers: { "x-a": "1\r\n2" } }, /x-a/],
  ];
  for (const [what, options, pattern] of cases) {
    it(`createClient throws a TypeError for ${what}`, () => {
      expect(() => createClient(options as never)).toThrow(TypeError);
      expect(() => createClient(options as never)).toThrow(pattern);
    });
  }

  it("a bad option in extend() throws a TypeError and leaves the parent working", async () => {
    server.use(http.all("*", () => HttpResponse.text("ok")));
    const api = createClient({ baseUrl: "https://api.test" });
    expect(() => api.extend({ timeout: "forever" as never })).toThrow(TypeError);
    expect(await api.get("r").text()).toBe("ok");
  });
});

it("a validation failure calls no hook and no token function", async () => {
  server.use(http.all("*", () => HttpResponse.text("ok")));
  const token = vi.fn(() => "t");
  const beforeRequest = vi.fn();
  const api = createClient({ baseUrl: "https://api.test", token, hooks: { beforeRequest: [beforeRequest] } });
  await api.post("r", { json: 1n }).catch(() => {});
  expect(token).not.toHaveBeenCalled();
  expect(beforeRequest).not.toHaveBeenCalled();
  expect(seen).toHaveLength(0);
});

function cyclic(): object {
  const a: Record<string, unknown> = {};
  a.self = a;
  return a;
}
