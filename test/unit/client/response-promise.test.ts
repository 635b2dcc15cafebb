import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { sse, lines, ndjson, createClient, HttpError, ParseError, ResponsePromise } from "../../../src/index.js";
import { replies, streamOf, useMockServer } from "../helpers/msw.js";
import { within } from "../helpers/timers.js";

const { server, seen } = useMockServer();
const api = () => createClient({ baseUrl: "https://api.test", retry: { minDelay: 1, maxDelay: 1 } });

describe("ResponsePromise", () => {
  it("is a Promise of a standard Response", async () => {
    server.use(http.get("https://api.test/r", () => HttpResponse.text("hi")));
    const pending = api().get("r");
    expect(pending).toBeInstanceOf(Promise);
    expect(pending).toBeInstanceOf(ResponsePromise);
    const response = await pending;
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("hi");
  });

  it("then() and catch() return plain Promises", async () => {
    server.use(http.get("https://api.test/r", () => HttpResponse.text("hi")));
    const chained = api().get("r").then((r) => r.status);
    expect(chained).not.toBeInstanceOf(ResponsePromise);
    expect(await chained).toBe(200);
  });

  it(".json() parses the body and sends Accept: application/json", async () => {
    server.use(http.get("https://api.test/r", () => HttpResponse.json({ id: 42, tags: ["a"] })));
    expect(await api().get("r").json<{ id: number }>()).toEqual({ id: 42, tags: ["a"] });
    expect(seen[0]!.headers.accept).toBe("application/json");
  });

  it(".json() keeps an Accept header the caller set", async () => {
    server.use(http.get("https://api.test/r", () => HttpResponse.json({})));
    await api().get("r", { headers: { accept: "application/vnd.api+json" } }).json();
    expect(seen[0]!.headers.accept).toBe("application/vnd.api+json");
  });

  it(".json() gives undefined for an empty body", async () => {
    server.use(http.get("https://api.test/r", () => new HttpResponse(null, { status: 204 })));
    expect(await api().get("r").json()).toBeUndefined();
  });

  it(".json() rejects with a ParseError naming the request, status and the start of the body", async () => {
    server.use(http.get("https://api.test/r", () => HttpResponse.text("<html>oops")));
    const error = await api().get("r").json().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ code: "ERR_PARSE", status: 200, attempts: 1 });
    expect((error as Error).message).toMatch(/^GET https:\/\/api\.test\/r 200 response: the body is not valid JSON .*: <html>oops$/);
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
  });

  it(".json() of a late read (after the response resolved) is a ParseError too", async () => {
    server.use(http.get("https://api.test/r", () => HttpResponse.text("nope")));
    const p = api().get("r");
    await p;
    await expect(p.json()).rejects.toBeInstanceOf(ParseError);
  });

  it(".sse() on a JSON response rejects with a ParseError saying what arrived; anyContentType reads it anyway", async () => {
    server.use(http.get("https://api.test/r", () => HttpResponse.json({ data: 1 })));
    const error = await sse(api().get("r")).next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParseError);
    expect((error as Error).message).toContain('content-type is "application/json"');
    server.use(http.get("https://api.test/r", () => new HttpResponse("data: x\n\n", { headers: { "content-type": "text/plain" } })));
    const first = await sse(api().get("r"), { anyContentType: true }).next();
    expect(first.value).toMatchObject({ data: "x" });
  });

  it(".text(), .bytes(), .blob() and .arrayBuffer() read the body", async () => {
    server.use(http.get("https://api.test/r", () => HttpResponse.text("héllo")));
    expect(await api().get("r").text()).toBe("héllo");
    const bytes = await api().get("r").bytes();
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(new TextDecoder().decode(bytes)).toBe("héllo");
    const blob = await api().get("r").blob();
    expect(blob).toBeInstanceOf(Blob);
    expect(await blob.text()).toBe("héllo");
    const buffer = await api().get("r").arrayBuffer();
    expect(buffer).toBeInstanceOf(ArrayBuffer);
    expect(buffer.byteLength).toBe(6);
  });

  it("a shortcut still works after the response has been awaited", async () => {
    server.use(http.get("https://api.test/r", () => HttpResponse.json({ late: true })));
    const pending = api().get("r");
    await pending;
    expect(await pending.json()).toEqual({ late: true });
  });

  it("lines(p), ndjson(p) and sse(p) decode the body as it arrives", async () => {
    server.use(
      http.get("https://api.test/lines", () => new HttpResponse(streamOf(["one\r", "\ntwo\n", "thr", "ee"]))),
      http.get("https://api.test/ndjson", () => new HttpResponse(streamOf(['{"a":1}\n\n{"a"', ":2}\n"]))),
      http.get("https://api.test/sse", () => new HttpResponse(streamOf(["data: x\n", "id: 7\n\nevent: up\ndata: y\n\n"]), { headers: { "content-type": "text/event-stream" } })),
    );
    const got: string[] = [];
    for await (const line of lines(api().get("lines"))) got.push(line);
    expect(got).toEqual(["one", "two", "three"]);
    const items: unknown[] = [];
    for await (const item of ndjson(api().get("ndjson"))) items.push(item);
    expect(items).toEqual([{ a: 1 }, { a: 2 }]);
    const events = [];
    for await (const event of sse(api().get("sse"))) events.push(event);
    expect(events).toMatchObject([
      { event: "message", data: "x", id: "7" },
      { event: "up", data: "y", id: "7" },
    ]);
  });

  it("a stream shortcut rejects with the HttpError of a failed request", async () => {
    server.use(http.get("https://api.test/r", replies(404)));
    const iterate = async () => {
      for await (const _ of lines(api().get("r"))) void _;
    };
    await expect(iterate()).rejects.toBeInstanceOf(HttpError);
  });

  it("leaving a for await early cancels the body", async () => {
    // An injected fetch: cancelling the body of an msw-mocked response never settles (msw's own stream).
    let cancelled = false;
    let i = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        c.enqueue(new TextEncoder().encode(`line ${i++}\n`));
      },
      cancel() {
        cancelled = true;
      },
    });
    const client = createClient({ baseUrl: "https://api.test", fetch: async () => new Response(body) });
    const loop = async () => {
      for await (const line of lines(client.get("r"))) if (line === "line 2") break;
    };
    await within(loop(), 1000, "leaving the loop");
    expect(cancelled).toBe(true);
  });
});

describe("throwHttpErrors", () => {
  it("rejects with an HttpError for a status of 400 or more by default", async () => {
    server.use(http.get("https://api.test/r", replies(404)));
    await expect(api().get("r")).rejects.toBeInstanceOf(HttpError);
    await expect(api().get("r").json()).rejects.toBeInstanceOf(HttpError);
  });

  it("false resolves with the error response", async () => {
    server.use(http.get("https://api.test/r", () => HttpResponse.json({ error: "gone" }, { status: 410 })));
    const response = await createClient({ baseUrl: "https://api.test", throwHttpErrors: false }).get("r");
    expect(response.status).toBe(410);
    expect(await response.json()).toEqual({ error: "gone" });
  });

  it("false lets a shortcut read the error body", async () => {
    server.use(http.get("https://api.test/r", () => HttpResponse.json({ error: "gone" }, { status: 410 })));
    expect(await api().get("r", { throwHttpErrors: false }).json()).toEqual({ error: "gone" });
  });

  it("false still retries what may be retried first", async () => {
    server.use(http.get("https://api.test/r", replies(503, 200)));
    const response = await api().get("r", { throwHttpErrors: false });
    expect(response.status).toBe(200);
    expect(seen).toHaveLength(2);
  });

  it("a request's setting overrides the client's", async () => {
    server.use(http.get("https://api.test/r", replies(404)));
    const lenient = createClient({ baseUrl: "https://api.test", throwHttpErrors: false });
    await expect(lenient.get("r", { throwHttpErrors: true })).rejects.toBeInstanceOf(HttpError);
  });
});

describe("onDownloadProgress", () => {
  it("reports bytes loaded, the total and the percentage, ending at 100", async () => {
    const body = "x".repeat(1000);
    server.use(http.get("https://api.test/r", () => new HttpResponse(streamOf([body.slice(0, 400), body.slice(400)]), { headers: { "content-length": "1000" } })));
    const progress: { loaded: number; total: number | undefined; percent: number | undefined }[] = [];
    const text = await api().get("r", { onDownloadProgress: (p) => void progress.push({ ...p }) }).text();
    expect(text).toBe(body);
    expect(progress[0]).toEqual({ loaded: 400, total: 1000, percent: 40 });
    expect(progress.at(-1)).toEqual({ loaded: 1000, total: 1000, percent: 100 });
  });
});

describe("failures", () => {
  it("a failed request leaves no unhandled rejection behind", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      server.use(http.get("https://api.test/r", replies(404)));
      await api().get("r").catch(() => {});
      await api().get("r", { timeout: "bad" as never }).catch(() => {});
      await api().get("r").text().catch(() => {});
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });

  it("never throws synchronously, even for a closed client", async () => {
    const closed = createClient({ baseUrl: "https://api.test" });
    await closed.close();
    let pending: Promise<unknown> | undefined;
    expect(() => (pending = closed.get("r").json())).not.toThrow();
    await expect(pending).rejects.toMatchObject({ code: "ERR_CLOSED" });
  });
});
