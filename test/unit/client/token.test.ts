import { http, HttpResponse } from "msw";
import { describe, expect, it, vi } from "vitest";
import { createClient, isHttpError } from "../../../src/index.js";
import { useMockServer } from "../helpers/msw.js";

const { server, seen } = useMockServer();
const TOKEN = "tok-5f1c9e";

function okEverywhere(): void {
  server.use(http.all("*", () => HttpResponse.text("ok")));
}

describe("token: where it is sent", () => {
  it("is sent as Authorization: Bearer <token> to the origin of baseUrl", async () => {
    okEverywhere();
    await createClient({ baseUrl: "https://api.test/v2", token: TOKEN }).get("users");
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("is sent to an absolute URL on the base's origin", async () => {
    okEverywhere();
    await createClient({ baseUrl: "https://api.test/v2", token: TOKEN }).get("https://api.test/other/path");
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("is not sent to another origin", async () => {
    okEverywhere();
    await createClient({ baseUrl: "https://api.test/v2", token: TOKEN }).get("https://cdn.test/file");
    expect(seen[0]!.headers).not.toHaveProperty("authorization");
  });

  it("is not sent to a host whose name merely starts with the base's host", async () => {
    okEverywhere();
    await createClient({ baseUrl: "https://api.test", token: TOKEN }).get("https://api.test.evil.example/steal");
    expect(seen[0]!.url).toBe("https://api.test.evil.example/steal");
    expect(seen[0]!.headers).not.toHaveProperty("authorization");
  });

  it("is not sent to the base's host on another port", async () => {
    okEverywhere();
    await createClient({ baseUrl: "https://api.test", token: TOKEN }).get("https://api.test:8443/x");
    expect(seen[0]!.headers).not.toHaveProperty("authorization");
  });

  it("is not sent to the base's host over another scheme", async () => {
    okEverywhere();
    await createClient({ baseUrl: "https://api.test", token: TOKEN, allowHttp: true }).get("http://api.test/x");
    expect(seen[0]!.headers).not.toHaveProperty("authorization");
  });

  it("is sent to any origin when there is no baseUrl", async () => {
    okEverywhere();
    const api = createClient({ token: TOKEN });
    await api.get("https://one.test/a");
    await api.get("https://two.test/b");
    expect(seen.map((r) => r.headers.authorization)).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
  });
});

describe("token: never over plain http to a remote host", () => {
  it("rejects with a TypeError before sending anything to a non-loopback http baseUrl", async () => {
    okEverywhere();
    const api = createClient({ baseUrl: "http://api.test", token: TOKEN });
    const error = await api.get("a").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/allowHttp/);
    expect((error as Error).message).not.toContain(TOKEN);
    expect(seen).toHaveLength(0);
  });

  it("rejects a plain http absolute URL when there is no baseUrl", async () => {
    okEverywhere();
    const error = await createClient({ token: TOKEN }).get("http://remote.test/a").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(seen).toHaveLength(0);
  });

  it("rejects without calling a token function", async () => {
    okEverywhere();
    const token = vi.fn(() => TOKEN);
    const error = await createClient({ baseUrl: "http://api.test", token }).get("a").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(seen).toHaveLength(0);
  });

  it("sends it over http when allowHttp is true", async () => {
    okEverywhere();
    await createClient({ baseUrl: "http://api.test", token: TOKEN, allowHttp: true }).get("a");
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  for (const host of ["127.0.0.1:8080", "127.1.2.3", "localhost:3000", "[::1]:8080"]) {
    it(`sends it over http to the loopback host ${host}`, async () => {
      okEverywhere();
      await createClient({ baseUrl: `http://${host}/api`, token: TOKEN }).get("a");
      expect(seen[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    });
  }

  it("sends a plain http request without a token to a remote host as usual", async () => {
    okEverywhere();
    await createClient({ baseUrl: "http://api.test" }).get("a");
    expect(seen).toHaveLength(1);
  });
});

describe("token function", () => {
  it("is called before each attempt, with { refresh: false }", async () => {
    let n = 0;
    server.use(http.get("https://api.test/a", () => (++n < 3 ? new HttpResponse(null, { status: 503 }) : HttpResponse.text("ok"))));
    let issued = 0;
    const token = vi.fn((_ctx: { refresh: boolean }) => `t${++issued}`);
    await createClient({ baseUrl: "https://api.test", token, retry: { maxRetries: 3, minDelay: 1, maxDelay: 1 } }).get("a");
    expect(token).toHaveBeenCalledTimes(3);
    expect(token.mock.calls.map((c) => c[0])).toEqual([{ refresh: false }, { refresh: false }, { refresh: false }]);
    expect(seen.map((r) => r.headers.authorization)).toEqual(["Bearer t1", "Bearer t2", "Bearer t3"]);
  });

  it("may return a promise", async () => {
    okEverywhere();
    await createClient({ baseUrl: "https://api.test", token: async () => "async-token" }).get("a");
    expect(seen[0]!.headers.authorization).toBe("Bearer async-token");
  });

  it("after a 401 is called once with { refresh: true } and the request repeats without spending a retry", async () => {
    server.use(
      http.get("https://api.test/a", ({ request }) =>
        request.headers.get("authorization") === "Bearer fresh" ? HttpResponse.text("ok") : new HttpResponse("stale", { status: 401 }),
      ),
    );
    const token = vi.fn(({ refresh }: { refresh: boolean }) => (refresh ? "fresh" : "stale"));
    const api = createClient({ baseUrl: "https://api.test", token, retry: 0 });
    expect(await api.get("a").text()).toBe("ok");
    expect(token.mock.calls.map((c) => c[0])).toEqual([{ refresh: false }, { refresh: true }]);
    expect(seen.map((r) => r.headers.authorization)).toEqual(["Bearer stale", "Bearer fresh"]);
    expect(api.stats.retries).toBe(0);
  });

  it("refreshes only once: a second 401 rejects with that HttpError", async () => {
    server.use(http.get("https://api.test/a", () => new HttpResponse("nope", { status: 401 })));
    const token = vi.fn((_ctx: { refresh: boolean }) => "t");
    const error = await createClient({ baseUrl: "https://api.test", token }).get("a").catch((e: unknown) => e);
    expect(isHttpError(error)).toBe(true);
    expect((error as { status: number }).status).toBe(401);
    expect(seen).toHaveLength(2);
    expect(token.mock.calls.filter((c) => c[0].refresh)).toHaveLength(1);
  });

  it("a token function that throws rejects the call with its error, sending nothing", async () => {
    okEverywhere();
    const thrown = new Error("auth server down");
    const api = createClient({ baseUrl: "https://api.test", token: () => Promise.reject(thrown), retry: { minDelay: 1, maxDelay: 1 } });
    await expect(api.get("a")).rejects.toBe(thrown);
    expect(seen).toHaveLength(0);
  });

  it("a string token is not retried after a 401", async () => {
    server.use(http.get("https://api.test/a", () => new HttpResponse("nope", { status: 401 })));
    const error = await createClient({ baseUrl: "https://api.test", token: TOKEN }).get("a").catch((e: unknown) => e);
    expect((error as { status: number }).status).toBe(401);
    expect(seen).toHaveLength(1);
  });

  it("a refresh after a 401 does not re-send a ReadableStream body", async () => {
    server.use(http.post("https://api.test/upload", () => new HttpResponse("nope", { status: 401 })));
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode("payload"));
        c.close();
      },
    });
    const error = await createClient({ baseUrl: "https://api.test", token: () => "t" })
      .post("upload", { body })
      .catch((e: unknown) => e);
    expect(isHttpError(error)).toBe(true);
    expect((error as { status: number }).status).toBe(401);
    expect(seen).toHaveLength(1);
  });
});
