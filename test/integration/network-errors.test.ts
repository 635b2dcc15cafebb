/**
 * Network failures only a real socket produces: a body cut midway, a connection reset before
 * any response, a refused connection, and a request body the server stops reading. Which of
 * them are retried depends on the method and the idempotency key (counted on the server).
 */
import { describe, expect, test } from "vitest";
import { NetworkError } from "../../src/index.js";
import { QUICK_RETRY, useClients } from "./support/clients.js";
import { closedPort, readBody, rejection, useServer, within, type Hit } from "./support/server.js";

const srv = useServer();
const client = useClients(srv);

/** Sends the Content-Length of `body` and half of it, then destroys the socket; the whole body from hit `fullFrom` on. */
function cutRoute(path: string, body: string, fullFrom = Infinity) {
  srv().route(path, async (req, res, hit) => {
    await readBody(req);
    res.writeHead(200, { "content-type": "text/plain", "content-length": String(Buffer.byteLength(body)) });
    if (hit.n >= fullFrom) {
      res.end(body);
      return;
    }
    res.write(body.slice(0, body.length >> 1), () => srv().later(10, () => res.socket?.destroy()));
  });
}

const BODY = "0123456789abcdef".repeat(256); // 4 KiB

/** The runtime's errors behind a NetworkError, outermost first. */
function causes(error: unknown): unknown[] {
  const out: unknown[] = [];
  let e = (error as { cause?: unknown }).cause;
  while (e !== undefined && out.length < 5) {
    out.push(e);
    e = (e as { cause?: unknown })?.cause;
  }
  return out;
}

describe("a body cut midway", { timeout: 10_000 }, () => {
  test("reading the Response rejects with NetworkError", async () => {
    cutRoute("/cut", BODY);
    const api = client({ retry: false });
    const res = await within(api.get("cut"), 2_000, "the response head");
    const error = await rejection(res.text());
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.code).toBe("ERR_NETWORK");
    expect(error.cause).toBeDefined();
  });

  test("GET via .text() is retried and gets the whole body", async () => {
    cutRoute("/cut", BODY, 2);
    const api = client();
    expect(await within(api.get("cut").text(), 5_000, ".text()")).toBe(BODY);
    expect(srv().hitsOf("/cut")).toHaveLength(2);
    expect(api.stats).toMatchObject({ calls: 1, requests: 2, retries: 1, networkErrors: 1 });
  });

  test("GET that is always cut: NetworkError after maxRetries + 1 attempts", async () => {
    cutRoute("/cut", BODY);
    const api = client({ retry: { ...QUICK_RETRY, maxRetries: 2 } });
    const error = await rejection(api.get("cut").text());
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.attempts).toBe(3);
    expect(srv().hitsOf("/cut")).toHaveLength(3);
  });

  test("POST without an idempotency key is not retried", async () => {
    cutRoute("/cut", BODY, 2);
    const api = client();
    const error = await rejection(api.post("cut", { json: { order: 1 } }).text());
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.attempts).toBe(1);
    expect(srv().hitsOf("/cut")).toHaveLength(1);
    expect(api.stats).toMatchObject({ requests: 1, retries: 0, networkErrors: 1 });
  });

  test("POST with idempotencyKey is retried with the same Idempotency-Key", async () => {
    cutRoute("/cut", BODY, 2);
    const api = client();
    const text = await within(api.post("cut", { json: { order: 1 }, idempotencyKey: "order-42" }).text(), 5_000, ".text()");
    expect(text).toBe(BODY);
    const hits = srv().hitsOf("/cut");
    expect(hits.map((h) => h.headers["idempotency-key"])).toEqual(["order-42", "order-42"]);
    expect(hits.map((h) => h.method)).toEqual(["POST", "POST"]);
  });

  test("POST with idempotencyKey: true sends one random UUID on both attempts", async () => {
    cutRoute("/cut", BODY, 2);
    const api = client();
    expect(await within(api.post("cut", { json: { order: 2 }, idempotencyKey: true }).text(), 5_000, ".text()")).toBe(BODY);
    const keys = srv().hitsOf("/cut").map((h) => h.headers["idempotency-key"]);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(keys[1]).toBe(keys[0]);
  });
});

describe("connection reset before any response", { timeout: 10_000 }, () => {
  function resetRoute(path: string, fullFrom = Infinity) {
    srv().route(path, (req, res, hit) => {
      if (hit.n >= fullFrom) res.end("ok");
      else req.socket.destroy();
    });
  }

  test("is a NetworkError, retried: the second attempt succeeds", async () => {
    resetRoute("/reset", 2);
    const api = client();
    const res = await within(api.get("reset"), 5_000, "the request");
    expect(await res.text()).toBe("ok");
    expect(srv().hitsOf("/reset")).toHaveLength(2);
    expect(api.stats).toMatchObject({ requests: 2, retries: 1, networkErrors: 1 });
  });

  test("always reset: NetworkError with cause and attempts", async () => {
    resetRoute("/reset");
    const api = client({ retry: { ...QUICK_RETRY, maxRetries: 1 } });
    const error = await rejection(api.get("reset").text());
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.attempts).toBe(2);
    expect(error.request.url).toBe(`${srv().url}/reset`);
  });
});

describe("connection refused", { timeout: 10_000 }, () => {
  test("rejects with NetworkError whose cause is the runtime's error", async () => {
    const port = await closedPort();
    const api = client({ baseUrl: `http://127.0.0.1:${port}/`, retry: false });
    const error = await rejection(api.get("nothing-here"));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.code).toBe("ERR_NETWORK");
    expect(error.cause).toBeInstanceOf(Error);
    expect(causes(error).some((c) => (c as { code?: string })?.code === "ECONNREFUSED")).toBe(true);
    expect(error.attempts).toBe(1);
    expect(error.request.url).toBe(`http://127.0.0.1:${port}/nothing-here`);
  });

  test("is retried like any network error", async () => {
    const port = await closedPort();
    const api = client({ baseUrl: `http://127.0.0.1:${port}/`, retry: { ...QUICK_RETRY, maxRetries: 2 } });
    const error = await rejection(api.get("nothing-here").json());
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.attempts).toBe(3);
    expect(api.stats).toMatchObject({ requests: 3, retries: 2, networkErrors: 3 });
  });
});

describe("a half-sent request body", { timeout: 10_000 }, () => {
  const BIG = "x".repeat(4 * 1024 * 1024); // larger than the socket buffers: still being sent when cut

  /** Destroys the connection as soon as the first body bytes arrive; reads everything from hit `fullFrom` on. */
  function uploadRoute(path: string, fullFrom = Infinity) {
    srv().route(path, async (req, res, hit) => {
      if (hit.n >= fullFrom) {
        const body = await readBody(req);
        res.end(String(body.length));
        return;
      }
      req.once("data", () => req.socket.destroy());
    });
  }

  const incomplete = (h: Hit) => !h.req.complete;

  test("PUT: the server destroys while reading -> NetworkError, retried, the retry succeeds", async () => {
    uploadRoute("/upload", 2);
    const api = client();
    const text = await within(api.put("upload", { body: BIG }).text(), 8_000, "the upload");
    expect(text).toBe(String(BIG.length));
    const hits = srv().hitsOf("/upload");
    expect(hits).toHaveLength(2);
    expect(incomplete(hits[0]!)).toBe(true);
    expect(api.stats).toMatchObject({ requests: 2, retries: 1, networkErrors: 1 });
  });

  test("POST without a key: NetworkError, not retried", async () => {
    uploadRoute("/upload", 2);
    const api = client();
    const error = await rejection(api.post("upload", { body: BIG }).text(), 8_000);
    expect(error).toBeInstanceOf(NetworkError);
    expect(srv().hitsOf("/upload")).toHaveLength(1);
  });

  test("a streamed (ReadableStream) body is sent once, never retried", async () => {
    uploadRoute("/upload", 2);
    const api = client();
    const chunk = new TextEncoder().encode("y".repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 64) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const error = await rejection(api.put("upload", { body }).text(), 8_000);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.attempts).toBe(1);
    expect(srv().hitsOf("/upload")).toHaveLength(1);
  });
});
