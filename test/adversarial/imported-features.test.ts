/**
 * The imported features attacked on their new input paths (one factory: sse(p), lines(p),
 * ndjson(p), paginate(api, …), trackUpload(fn), validateJson(p, schema)): bad input is a
 * TypeError naming what is wrong, a client's request it concerns is never sent, nothing is left
 * unhandled, and a burst of refusals sends nothing. Real loopback servers.
 */
import { describe, expect, test } from "vitest";
import { lines, ndjson, paginate, sse, trackUpload, validateJson, ValidationError } from "../../src/index.js";
import { captureUnhandled, rejection, settleUnhandled, sleep, useClients, useServers } from "./support/harness.js";

const servers = useServers(1);
const client = useClients();

const EVENTS = (_req: unknown, res: { writeHead(s: number, h: Record<string, string>): { end(b: string): void } }) => res.writeHead(200, { "content-type": "text/event-stream" }).end("data: a\n\n");

describe("readers given a client's request refuse bad options before it is sent", () => {
  test.each([
    ["lines, maxLineBytes: -1", () => lines, { maxLineBytes: -1 }, "maxLineBytes"],
    ["lines, maxLineBytes: 1.5", () => lines, { maxLineBytes: 1.5 }, "maxLineBytes"],
    ["ndjson, options not an object", () => ndjson, "big", "options"],
    ["ndjson, maxLineBytes: NaN", () => ndjson, { maxLineBytes: Number.NaN }, "maxLineBytes"],
  ])("%s: the first next() rejects with a TypeError naming it, nothing sent", async (_label, reader, options, named) => {
    const [s] = servers();
    s!.route("/l", (_req, res) => res.end("a\nb\n"));
    const api = client({ baseUrl: s!.url });
    const p = api.get("/l");
    const it = reader()(p, options as never);
    const error = await rejection(it.next());
    expect(error).toBeInstanceOf(TypeError);
    expect(String(error)).toContain(named);
    // The promise carries the same refusal, and the request never went.
    expect(await rejection(p)).toBe(error);
    await sleep(30);
    expect(s!.hits).toHaveLength(0);
  });

  test("sse(p) with lastEventId (no reconnect): events carry it until the stream sends its own; with reconnect it is refused, nothing sent", async () => {
    const [s] = servers();
    s!.route("/e", EVENTS);
    const api = client({ baseUrl: s!.url });
    const got = [];
    for await (const e of sse(api.get("/e"), { lastEventId: "41" })) got.push(e.id);
    expect(got).toEqual(["41"]);
    const error = await rejection(sse(api.get("/e"), { reconnect: true, lastEventId: "41" } as never).next());
    expect(String(error)).toContain("sse.lastEventId");
    await sleep(30);
    expect(s!.hits).toHaveLength(1);
  });
});

describe("what cannot be sent again cannot reconnect", () => {
  test("sse(a plain promise, { reconnect: true }): the first next() rejects with a TypeError naming reconnect; its rejection is not left unhandled", async () => {
    const unhandled = captureUnhandled();
    try {
      const [s] = servers();
      s!.route("/e", EVENTS);
      const viaFetch = fetch(`${s!.url}/e`);
      const error = await rejection(sse(viaFetch, { reconnect: true } as never).next());
      expect(error).toBeInstanceOf(TypeError);
      expect(String(error)).toContain("reconnect");
      (await viaFetch).body?.cancel();
      const failing = Promise.reject(new Error("boom"));
      await rejection(sse(failing, { reconnect: true } as never).next());
      await settleUnhandled();
      expect(unhandled.reasons).toEqual([]);
    } finally {
      unhandled.stop();
    }
  });

  test("a ReadableStream or an async iterable with reconnect: a TypeError at once", () => {
    const stream = new ReadableStream<Uint8Array>();
    expect(() => sse(stream, { reconnect: true } as never)).toThrow(/reconnect/);
    async function* bytes(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode("data: a\n\n");
    }
    expect(() => sse(bytes(), { reconnect: true } as never)).toThrow(TypeError);
  });
});

describe("sse(p, options) reads its options when it is called", () => {
  test.each([
    ["once", {}],
    ["reconnecting", { reconnect: true }],
  ])("%s: anyContentType and maxEventBytes changed after the call change nothing", async (_label, extra) => {
    const [s] = servers();
    // Mislabelled, one event of 12 bytes, then 204 (a reconnecting stream ends there).
    let served = 0;
    s!.route("/m", (_req, res) => (served++ ? res.writeHead(204, {}).end("") : res.writeHead(200, { "content-type": "application/json" }).end("data: abcdefgh\n\n")));
    const api = client({ baseUrl: s!.url });
    const options: Record<string, unknown> = { ...extra, anyContentType: true, maxEventBytes: 1024 };
    const events = sse(api.get("/m"), options as never);
    options.anyContentType = false;
    options.maxEventBytes = 1;
    const got = [];
    for await (const e of events) got.push(e.data);
    expect(got).toEqual(["abcdefgh"]);
  });
});

describe("paginate(api, …) needs a client", () => {
  test.each([
    ["undefined", undefined],
    ["a plain object with get", { get: () => Promise.resolve(new Response("[]")) }],
    ["the client's get alone", "get"],
  ])("%s: a TypeError naming paginate, nothing sent", async (_label, given) => {
    const [s] = servers();
    s!.route("/p", (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end("[1]"));
    const api = client({ baseUrl: s!.url });
    const target = given === "get" ? api.get : given;
    expect(() => paginate(target as never, "/p")).toThrow(/paginate/);
    await sleep(20);
    expect(s!.hits).toHaveLength(0);
  });

  test("an extend() child pages with its own headers, bounded by the parent's close()", async () => {
    const [s] = servers();
    s!.route("/p", (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end("[1,2]"));
    const parent = client({ baseUrl: s!.url });
    const child = parent.extend({ headers: { "x-child": "1" } });
    const pages = paginate(child, "/p", { next: () => new Promise<never>(() => {}) });
    expect((await pages.next()).value).toBe(1);
    expect((await pages.next()).value).toBe(2);
    const waiting = pages.next();
    await parent.close();
    expect(await rejection(waiting)).toMatchObject({ code: "ERR_CLOSED" });
    expect(s!.hits[0]!.headers["x-child"]).toBe("1");
  });
});

describe("upload progress only from trackUpload()", () => {
  test.each([
    ["a plain function", () => undefined],
    ["an object", { onProgress: () => undefined }],
    ["a function with a look-alike key", Object.assign(() => undefined, { "tierfetch.upload": () => Promise.resolve({}) }, { [Symbol("tierfetch.upload")]: () => Promise.resolve({}) })],
  ])("%s: a TypeError naming onUploadProgress, nothing sent", async (_label, value) => {
    const [s] = servers();
    s!.route("/up", (_req, res) => res.end("ok"));
    const api = client({ baseUrl: s!.url });
    const error = await rejection(api.post("/up", { body: "data", onUploadProgress: value as never }));
    expect(error).toBeInstanceOf(TypeError);
    expect(String(error)).toContain("onUploadProgress");
    await sleep(20);
    expect(s!.hits).toHaveLength(0);
  });

  test("trackUpload(not a function) throws a TypeError naming trackUpload", () => {
    for (const bad of [undefined, null, "cb", {}]) expect(() => trackUpload(bad as never)).toThrow(/trackUpload/);
  });

  test("one tracker on two requests at once: each body arrives whole, every event is told", async () => {
    const [s] = servers();
    const bodies: string[] = [];
    s!.route("/up", async (req, res) => {
      let body = "";
      for await (const chunk of req) body += chunk;
      bodies.push(body);
      res.end("ok");
    });
    const api = client({ baseUrl: s!.url });
    const seen: number[] = [];
    const tracker = trackUpload((p) => seen.push(p.loaded));
    const payload = "x".repeat(200_000);
    await Promise.all([api.post("/up", { body: payload, onUploadProgress: tracker }).text(), api.put("/up", { body: payload, onUploadProgress: tracker }).text()]);
    expect(bodies).toEqual([payload, payload]);
    expect(seen.filter((n) => n === payload.length)).toHaveLength(2);
  });
});

describe("validateJson(p, schema)", () => {
  test("a schema without ~standard: a TypeError naming schema", async () => {
    const [s] = servers();
    s!.route("/j", (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"a":1}'));
    const api = client({ baseUrl: s!.url });
    const error = await rejection(validateJson(api.get("/j"), {} as never));
    expect(error).toBeInstanceOf(TypeError);
    expect(String(error)).toContain("schema");
  });

  test("issues reject as a ValidationError whose message masks a secret query value; a Response works too", async () => {
    const [s] = servers();
    s!.route("/j", (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"a":1}'));
    const api = client({ baseUrl: s!.url });
    const refuse = { "~standard": { version: 1 as const, vendor: "t", validate: () => ({ issues: [{ message: "nope" }] }) } };
    const error = await rejection(validateJson(api.get("/j", { query: { api_key: "sk-secret-q-77" } }), refuse));
    expect(error).toBeInstanceOf(ValidationError);
    expect(JSON.stringify([error.message, String(error)])).not.toContain("sk-secret-q-77");
    const pass = { "~standard": { version: 1 as const, vendor: "t", validate: (value: unknown) => ({ value }) } };
    expect(await validateJson(await api.get("/j"), pass)).toEqual({ a: 1 });
    // Read inside the attempt, as .json() is: Accept asks for JSON.
    expect(s!.hits[0]!.headers.accept).toBe("application/json");
  });
});

describe("a burst of refusals at the same moment sends nothing and leaves nothing unhandled", () => {
  test("300 reads refused in one tick (bad options, non-GET reconnect, plain-function uploads), then close()", async () => {
    const unhandled = captureUnhandled();
    try {
      const [s] = servers();
      s!.route("/x", (_req, res) => res.end("x"));
      const api = client({ baseUrl: s!.url, retry: false });
      const reads: Promise<unknown>[] = [];
      for (let i = 0; i < 100; i++) {
        reads.push(lines(api.get("/x"), { maxLineBytes: 0 }).next().catch((e: unknown) => e));
        reads.push(sse(api.post("/x"), { reconnect: true }).next().catch((e: unknown) => e));
        reads.push(api.put("/x", { body: "b", onUploadProgress: (() => undefined) as never }).catch((e: unknown) => e));
      }
      const errors = await Promise.all(reads);
      expect(errors.every((e) => e instanceof TypeError)).toBe(true);
      await api.close();
      await sleep(30);
      await settleUnhandled();
      expect(s!.hits).toHaveLength(0);
      expect(unhandled.reasons).toEqual([]);
    } finally {
      unhandled.stop();
    }
  });
});
