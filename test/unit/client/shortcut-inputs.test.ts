// Inputs the shortcuts gained in this round: a Request as the URL, and the decoder limits passed
// through .lines() / .ndjson() / .sse() (a hostile body past them ends with a LimitError).
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { lines, ndjson, sse, createClient, LimitError } from "../../../src/index.js";
import { streamOf, useMockServer } from "../helpers/msw.js";

const { server, seen } = useMockServer();
const api = () => createClient({ baseUrl: "https://api.test", retry: false });

describe("a Request as a shortcut's URL", () => {
  it("sends its URL and headers, the options' headers over them, with the shortcut's method", async () => {
    server.use(http.delete("https://api.test/items/1", () => new HttpResponse(null, { status: 204 })));
    const request = new Request("https://api.test/items/1", { headers: { "x-a": "from-request", "x-b": "from-request" } });
    const response = await api().delete(request, { headers: { "x-b": "from-options" } });
    expect(response.status).toBe(204);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: "DELETE", url: "https://api.test/items/1" });
    expect(seen[0]!.headers).toMatchObject({ "x-a": "from-request", "x-b": "from-options" });
  });

  it("its header with a control character is refused like any header, nothing sent", async () => {
    const request = new Request("https://api.test/x");
    await expect(api().get(request, { headers: { "x-bad": "a\u0001b" } })).rejects.toThrow(/option "headers" header "x-bad"/);
    expect(seen).toHaveLength(0);
  });

  it("its signal, already aborted, rejects with its reason and sends nothing", async () => {
    const controller = new AbortController();
    controller.abort(new Error("gone"));
    await expect(api().get(new Request("https://api.test/x", { signal: controller.signal }))).rejects.toThrow("gone");
    expect(seen).toHaveLength(0);
  });
});

describe("decoder limits through the shortcuts", () => {
  const endless = (type: string, chunk: string) => () => new HttpResponse(streamOf(Array.from({ length: 64 }, () => chunk)), { headers: { "content-type": type } });

  it(".lines({ maxLineBytes }) ends a line past the limit with a LimitError", async () => {
    server.use(http.get("https://api.test/l", endless("text/plain", "a".repeat(1024))));
    const error = await (async () => {
      for await (const _ of lines(api().get("l"), { maxLineBytes: 4096 })) void _;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LimitError);
    expect(error).toMatchObject({ kind: "line", limit: 4096 });
  });

  it(".ndjson({ maxLineBytes }) too", async () => {
    server.use(http.get("https://api.test/n", endless("application/x-ndjson", "1".repeat(1024))));
    const error = await ndjson(api().get("n"), { maxLineBytes: 2048 }).next().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ERR_LIMIT", kind: "line", limit: 2048 });
  });

  it(".sse({ maxEventBytes }) ends an event past the limit, with and without reconnect", async () => {
    server.use(http.get("https://api.test/s", endless("text/event-stream", `data: ${"x".repeat(1000)}\n`)));
    const plain = await sse(api().get("s"), { maxEventBytes: 8192 }).next().catch((e: unknown) => e);
    expect(plain).toMatchObject({ code: "ERR_LIMIT", kind: "event", limit: 8192 });
    const reconnecting = await sse(api().get("s"), { reconnect: true, maxEventBytes: 8192 }).next().catch((e: unknown) => e);
    expect(reconnecting).toMatchObject({ code: "ERR_LIMIT", kind: "event" });
  });
});

describe("a body whose cancel() never settles (a custom fetch, an interceptor)", () => {
  const stuckBody = () =>
    new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode("x".repeat(1024)));
      },
      cancel: () => new Promise<void>(() => {}),
    });
  const client = () => createClient({ baseUrl: "https://api.test", retry: false, fetch: async () => new Response(stuckBody(), { headers: { "content-type": "text/plain" } }) });

  it("a LimitError still surfaces", async () => {
    const error = await lines(client().get("x"), { maxLineBytes: 4096 }).next().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ERR_LIMIT", kind: "line" });
  });

  it("leaving the loop early still returns", async () => {
    let n = 0;
    for await (const _ of (await client().get("x")).body!) if (++n === 2) break;
    const it = lines(client().get("x"), { maxLineBytes: 1 << 20 });
    await expect(it.return!()).resolves.toMatchObject({ done: true });
    expect(n).toBe(2);
  });
});
