/**
 * createClient, the one factory (createCoreClient folded into it): tiers, retries, Retry-After,
 * budget, token scoping, redaction, close(), api.fetch, with the buffered shortcuts only on its
 * promises; streaming, paginate, upload progress and schemas are imported functions. What it
 * does not do itself is refused with a TypeError that names the option, never skipped in silence.
 */
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { createClient, HttpError, ResponsePromise, sse, TimeoutError } from "../../../src/index.js";
import { scriptedFetch } from "../helpers/fetch.js";
import { useMockServer } from "../helpers/msw.js";

const { server, seen } = useMockServer();

describe("createClient, the one factory", () => {
  it("returns ResponsePromises of real Responses with the buffered shortcuts", async () => {
    server.use(http.get("https://api.test/u", () => HttpResponse.json({ id: 1 })));
    const api = createClient({ baseUrl: "https://api.test" });
    const p = api.get("u");
    expect(p).toBeInstanceOf(ResponsePromise);
    expect(await p.json()).toEqual({ id: 1 });
    expect(await api.get("u")).toBeInstanceOf(Response);
    expect(await api.get("u").text()).toBe('{"id":1}');
    expect(new TextDecoder().decode(await api.get("u").bytes())).toBe('{"id":1}');
    expect((await api.get("u").arrayBuffer()).byteLength).toBe(8);
    expect((await api.get("u").blob()).size).toBe(8);
    expect(seen[0]!.headers.accept).toBe("application/json");
  });

  it("has no streaming shortcuts and no paginate, on the client and its extend() children", () => {
    const api = createClient();
    const child = api.extend({ headers: { "x-a": "1" } });
    for (const c of [api, child]) {
      expect("paginate" in c).toBe(false);
      const p = c.get("https://api.test/never", { signal: AbortSignal.abort() });
      p.catch(() => undefined);
      expect("sse" in p || "lines" in p || "ndjson" in p).toBe(false);
    }
  });

  it("retries a 503 with Retry-After, then returns the 200, in the same stats as its children", async () => {
    const fetch = scriptedFetch(new Response("busy", { status: 503, headers: { "retry-after": "0" } }), Response.json({ ok: true }));
    const api = createClient({ baseUrl: "https://api.test", fetch, retry: { minDelay: 1 } });
    const child = api.extend({});
    expect(await child.get("r").json()).toEqual({ ok: true });
    expect(fetch.calls).toHaveLength(2);
    expect(api.stats).toMatchObject({ calls: 1, requests: 2, retries: 1 });
  });

  it("a tier bounds each attempt: a fetch that never answers becomes a TimeoutError naming the tier", async () => {
    const api = createClient({ fetch: scriptedFetch("hang"), timeouts: { short: 20 }, retry: false });
    const error = await api.get("https://api.test/slow", { timeout: "short" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ tier: "short", timeout: 20, attempts: 1 });
  });

  it("sends the token only to the base origin, and masks it when the server echoes it", async () => {
    server.use(
      http.get("https://api.test/echo", ({ request }) => HttpResponse.text(`you sent ${request.headers.get("authorization")}`, { status: 400 })),
      http.get("https://other.test/x", () => HttpResponse.text("ok")),
    );
    const api = createClient({ baseUrl: "https://api.test", token: "sk-core-secret-1234" });
    const error = (await api.get("echo").catch((e: unknown) => e)) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(JSON.stringify([error.message, String(error), error.toJSON()])).not.toContain("sk-core-secret-1234");
    await api.get("https://other.test/x");
    expect(seen[1]!.headers.authorization).toBeUndefined();
  });

  it("refuses onUploadProgress not made by trackUpload() and json(schema), naming them, with nothing sent", async () => {
    const fetch = scriptedFetch(Response.json({}));
    const api = createClient({ fetch });
    const upload = await api.post("https://api.test/f", { body: "x", onUploadProgress: (() => undefined) as never }).catch((e: unknown) => e);
    expect(upload).toBeInstanceOf(TypeError);
    expect(String(upload)).toContain("onUploadProgress");
    expect(fetch.calls).toHaveLength(0);
    const schema = { "~standard": { version: 1, vendor: "t", validate: (value: unknown) => ({ value }) } };
    const validated = await (api.get("https://api.test/j").json as (s: unknown) => Promise<unknown>)(schema).catch((e: unknown) => e);
    expect(validated).toBeInstanceOf(TypeError);
    expect(String(validated)).toContain("json(schema)");
  });

  it("streams with the standalone decoders, and api.fetch and close() work as on createClient", async () => {
    server.use(http.get("https://api.test/events", () => new HttpResponse("data: a\n\ndata: b\n\n", { headers: { "content-type": "text/event-stream" } })));
    const api = createClient({ baseUrl: "https://api.test" });
    const data: string[] = [];
    for await (const event of sse(await api.get("events"))) data.push(event.data);
    expect(data).toEqual(["a", "b"]);
    expect((await api.fetch("https://api.test/events")).status).toBe(200);
    await api.close();
    expect(await api.get("events").catch((e: unknown) => (e as { code?: string }).code)).toBe("ERR_CLOSED");
  });
});
