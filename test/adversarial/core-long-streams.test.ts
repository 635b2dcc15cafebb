/**
 * Long streams on default options (issue 13), scaled down: with `timeouts: { medium: "300ms" }`
 * and nothing else set, a body streamed for ~2 s with a chunk every 100 ms completes through a
 * raw Response, `.lines()`, `.ndjson()`, `.sse()` and `api.fetch`; one that goes quiet ends with
 * a TimeoutError of kind "idle"; a server that never sends headers times out (kind "attempt");
 * a buffered `.text()` of the same 2 s body still times out at 300 ms.
 */
import { describe, expect, test } from "vitest";
import type { ServerResponse } from "node:http";
import { lines, ndjson, sse, createClient, type Client, type ClientOptions } from "../../src/index.js";
import { startServer, type TestServer } from "../integration/support/server.js";
import { rejection } from "./support/harness.js";

const CHUNKS = 20;
const GAP = 100;
const TIER = { timeouts: { medium: "300ms" } } as const;

/** A fresh server and client for one (concurrent) test, both closed afterwards. */
async function withServer<T>(options: ClientOptions, run: (s: TestServer, api: Client) => Promise<T>): Promise<T> {
  const s = await startServer();
  const api = createClient({ baseUrl: s.url, ...TIER, ...options });
  routes(s);
  try {
    return await run(s, api);
  } finally {
    await api.close();
    await s.close();
  }
}

function drip(s: TestServer, res: ServerResponse, type: string, chunk: (i: number) => string, count: number): void {
  res.writeHead(200, { "content-type": type });
  let i = 0;
  s.every(res, GAP, () => {
    if (i < count) res.write(chunk(i++));
    if (i === count && count === CHUNKS) res.end();
  });
}

function routes(s: TestServer): void {
  const format = (name: string | null): [string, (i: number) => string] =>
    name === "sse" ? ["text/event-stream", (i) => `id: ${i}\ndata: ${i}\n\n`] : name === "ndjson" ? ["application/x-ndjson", (i) => `{"i":${i}}\n`] : ["text/plain", (i) => `line ${i}\n`];
  s.route("/stream", (req, res) => {
    const [type, chunk] = format(new URL(req.url!, "http://x").searchParams.get("f"));
    drip(s, res, type, chunk, CHUNKS);
  });
  // Three chunks, then silence with the connection open.
  s.route("/quiet", (req, res) => {
    const [type, chunk] = format(new URL(req.url!, "http://x").searchParams.get("f"));
    drip(s, res, type, chunk, 3);
  });
  s.route("/noheaders", () => {});
}

async function readAll(body: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  const decoder = new TextDecoder();
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) text += decoder.decode(chunk, { stream: true });
  return text;
}

const numbered = (n: number) => Array.from({ length: n }, (_, i) => `line ${i}`);

describe.concurrent("a 2 s stream, a chunk every 100 ms, tier medium = 300 ms, defaults otherwise", () => {
  test("a raw Response body completes", () =>
    withServer({}, async (_s, api) => {
      const response = await api.get("/stream");
      expect((await readAll(response.body!)).split("\n").filter(Boolean)).toEqual(numbered(CHUNKS));
    }));

  test(".lines() completes", () =>
    withServer({}, async (_s, api) => {
      const out: string[] = [];
      for await (const line of lines(api.get("/stream"))) out.push(line);
      expect(out).toEqual(numbered(CHUNKS));
    }));

  test(".ndjson() completes", () =>
    withServer({}, async (_s, api) => {
      const out: unknown[] = [];
      for await (const item of ndjson(api.get("/stream?f=ndjson"))) out.push(item);
      expect(out).toHaveLength(CHUNKS);
    }));

  test(".sse() completes", () =>
    withServer({}, async (_s, api) => {
      const out: string[] = [];
      for await (const event of sse(api.get("/stream?f=sse"))) out.push(event.data);
      expect(out).toEqual(Array.from({ length: CHUNKS }, (_, i) => String(i)));
    }));

  test(".sse({ reconnect: true }) completes without reconnecting mid-stream", () =>
    withServer({}, async (s, api) => {
      const out: string[] = [];
      for await (const event of sse(api.get("/stream?f=sse"), { reconnect: true })) {
        out.push(event.data);
        if (out.length === CHUNKS) break;
      }
      expect(out).toHaveLength(CHUNKS);
      expect(s.hitsOf("/stream")).toHaveLength(1);
    }));

  test("an api.fetch body completes", () =>
    withServer({}, async (s, api) => {
      const response = await api.fetch(`${s.url}/stream`);
      expect(response.status).toBe(200);
      expect((await readAll(response.body!)).split("\n").filter(Boolean)).toEqual(numbered(CHUNKS));
    }));
});

describe.concurrent("a stream that goes quiet ends with TimeoutError (kind idle)", () => {
  const idle = (error: { code?: string; kind?: string }) => {
    expect(error.code).toBe("ERR_TIMEOUT");
    expect(error.kind).toBe("idle");
  };

  test("a raw Response body", () =>
    withServer({}, async (_s, api) => {
      const response = await api.get("/quiet");
      idle(await rejection(readAll(response.body!), 3_000));
    }));

  test(".lines()", () =>
    withServer({}, async (_s, api) => {
      const seen: string[] = [];
      const error = await rejection(
        (async () => {
          for await (const line of lines(api.get("/quiet"))) seen.push(line);
        })(),
        3_000,
      );
      idle(error);
      expect(seen).toEqual(numbered(3));
    }));

  test(".sse()", () =>
    withServer({}, async (_s, api) => {
      const error = await rejection(
        (async () => {
          for await (const _event of sse(api.get("/quiet?f=sse")));
        })(),
        3_000,
      );
      idle(error);
    }));

  test("an api.fetch body", () =>
    withServer({}, async (s, api) => {
      const response = await api.fetch(`${s.url}/quiet`);
      idle(await rejection(readAll(response.body!), 3_000));
    }));
});

describe.concurrent("reconnection and slow readers on default options", () => {
  test(".sse({ reconnect: true }) on a stream that goes quiet reconnects after the idle gap, with Last-Event-ID", () =>
    withServer({ retry: { minDelay: 1, maxDelay: 2, budget: false } }, async (s, api) => {
      s.route("/once", (_req, res, hit) => {
        if (hit.n > 1) return void res.writeHead(204).end();
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write("id: 1\ndata: a\n\nid: 2\ndata: b\n\n");
      });
      const out: string[] = [];
      for await (const event of sse(api.get("/once"), { reconnect: true })) out.push(event.data);
      expect(out).toEqual(["a", "b"]);
      expect(s.hitsOf("/once")).toHaveLength(2);
      expect(s.hitsOf("/once")[1]!.headers["last-event-id"]).toBe("2");
    }));

  test("a slow reader (pauses of 500 ms, past the tier) is not an idle server", () =>
    withServer({}, async (_s, api) => {
      const response = await api.get("/stream");
      const reader = response.body!.getReader();
      let text = "";
      for (let i = 0; ; i++) {
        const { done, value } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
        if (i < 3) await new Promise((r) => setTimeout(r, 500));
      }
      expect(text.split("\n").filter(Boolean)).toEqual(numbered(CHUNKS));
    }));
});

describe.concurrent("the wait for headers, and buffered reads, stay bounded by the tier", () => {
  test("a server that never sends headers: TimeoutError (kind attempt) at 300 ms", () =>
    withServer({ retry: false }, async (_s, api) => {
      const started = performance.now();
      const error = await rejection(api.get("/noheaders"), 3_000);
      expect(error.code).toBe("ERR_TIMEOUT");
      expect(error.kind).toBe("attempt");
      expect(error.timeout).toBe(300);
      expect(performance.now() - started).toBeLessThan(1_500);
    }));

  test("api.fetch to a server that never sends headers: rejects with TimeoutError (kind attempt)", () =>
    withServer({ retry: false }, async (s, api) => {
      const error = await rejection(api.fetch(`${s.url}/noheaders`), 3_000);
      expect(error.code).toBe("ERR_TIMEOUT");
      expect(error.kind).toBe("attempt");
    }));

  test("an explicit Duration (not a tier) bounds the whole stream: cut at 300 ms (kind attempt)", () =>
    withServer({ retry: false, timeout: 300 }, async (_s, api) => {
      const response = await api.get("/stream");
      const error = await rejection(readAll(response.body!), 3_000);
      expect(error.code).toBe("ERR_TIMEOUT");
      expect(error.kind).toBe("attempt");
    }));

  test.each(["text", "json", "bytes", "arrayBuffer"] as const)("a buffered .%s() of the 2 s body times out at 300 ms", (shortcut) =>
    withServer({ retry: false }, async (_s, api) => {
      const started = performance.now();
      const error = await rejection(api.get("/stream")[shortcut](), 3_000);
      expect(error.code).toBe("ERR_TIMEOUT");
      expect(error.kind).toBe("attempt");
      expect(performance.now() - started).toBeLessThan(1_500);
    }),
  );
});
