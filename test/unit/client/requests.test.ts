import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { createClient, tierfetch } from "../../../src/index.js";
import { scriptedFetch } from "../helpers/fetch.js";
import { useMockServer } from "../helpers/msw.js";

const { server, seen } = useMockServer();

describe("method shortcuts", () => {
  const shortcuts = ["get", "post", "put", "patch", "delete", "head", "options"] as const;
  for (const name of shortcuts) {
    it(`api.${name}() sends ${name.toUpperCase()}`, async () => {
      server.use(http.all("https://api.test/r", () => new HttpResponse(null, { status: 204 })));
      const api = createClient({ baseUrl: "https://api.test" });
      const response = await api[name]("r");
      expect(response.status).toBe(204);
      expect(seen.map((r) => r.method)).toEqual([name.toUpperCase()]);
    });
  }

  it("api.request() sends any method, upper-cased", async () => {
    server.use(http.all("https://api.test/r", () => new HttpResponse(null, { status: 204 })));
    const api = createClient({ baseUrl: "https://api.test" });
    await api.request("PROPFIND", "r");
    await api.request("get", "r");
    expect(seen.map((r) => r.method)).toEqual(["PROPFIND", "GET"]);
  });

  it("rejects a method that is not an HTTP token, sending nothing", async () => {
    server.use(http.all("*", () => HttpResponse.text("ok")));
    const error = await createClient({ baseUrl: "https://api.test" }).request("GET X", "r").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(seen).toHaveLength(0);
  });

  it("the default client `tierfetch` sends requests too", async () => {
    server.use(http.get("https://api.test/r", () => HttpResponse.json({ ok: true })));
    expect(await tierfetch.get("https://api.test/r").json()).toEqual({ ok: true });
  });

  it("looks globalThis.fetch up per request when no fetch option is given", async () => {
    const api = createClient({ baseUrl: "https://api.test" });
    const original = globalThis.fetch;
    const fake = scriptedFetch(new Response("from the later fetch"));
    globalThis.fetch = fake as unknown as typeof fetch;
    try {
      expect(await api.get("r").text()).toBe("from the later fetch");
    } finally {
      globalThis.fetch = original;
    }
    expect(fake).toHaveBeenCalledTimes(1);
  });
});

describe("RequestInit pass-through", () => {
  const fields = {
    credentials: "include",
    redirect: "manual",
    cache: "no-store",
    mode: "same-origin",
    keepalive: true,
    priority: "high",
    referrerPolicy: "no-referrer",
    integrity: "sha256-abc",
  } as const;

  it("passes every client-level field to fetch", async () => {
    const fetch = scriptedFetch(new Response("ok"));
    await createClient({ baseUrl: "https://api.test", fetch, ...fields }).get("r");
    expect(fetch.calls[0]!.init).toMatchObject(fields);
  });

  it("passes every request-level field to fetch", async () => {
    const fetch = scriptedFetch(new Response("ok"));
    await createClient({ baseUrl: "https://api.test", fetch }).get("r", { ...fields });
    expect(fetch.calls[0]!.init).toMatchObject(fields);
  });

  it("lets a request's field override the client's", async () => {
    const fetch = scriptedFetch(new Response("ok"));
    await createClient({ baseUrl: "https://api.test", fetch, credentials: "omit", redirect: "manual" }).get("r", { credentials: "include" });
    expect(fetch.calls[0]!.init).toMatchObject({ credentials: "include", redirect: "manual" });
  });

  it("keeps the fields on the Request a beforeRequest hook sees", async () => {
    const fetch = scriptedFetch(new Response("ok"));
    let seenRequest: Request | undefined;
    const api = createClient({ baseUrl: "https://api.test", fetch, redirect: "manual", hooks: { beforeRequest: [(ctx) => void (seenRequest = ctx.request)] } });
    await api.get("r", { cache: "no-store" });
    expect(seenRequest!.redirect).toBe("manual");
    expect(seenRequest!.cache).toBe("no-store");
  });

  it("always gives fetch its own method, headers and signal", async () => {
    const fetch = scriptedFetch(new Response("ok"));
    await createClient({ baseUrl: "https://api.test", fetch }).post("r", { json: { a: 1 } });
    const init = fetch.calls[0]!.init!;
    expect(init.method).toBe("POST");
    expect(init.signal).toBeInstanceOf(AbortSignal);
    expect(fetch.calls[0]!.headers["content-type"]).toBe("application/json");
  });
});
