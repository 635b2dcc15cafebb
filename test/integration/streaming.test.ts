/**
 * Streaming bodies from a real server: ending a stream from the client side (user abort,
 * close(), leaving a loop early) must reach the socket, and download progress must follow
 * the bytes as they arrive.
 */
import { gzipSync } from "node:zlib";
import { describe, expect, test } from "vitest";
import { lines, ndjson, TierfetchError, type Progress } from "../../src/index.js";
import { useClients } from "./support/clients.js";
import { rejection, useServer, within } from "./support/server.js";

const srv = useServer();
const client = useClients(srv);

/** A response that never ends: one line every 10 ms until the client goes away. */
function endlessRoute(path: string, line: (i: number) => string = (i) => `tick ${i}`) {
  srv().route(path, (_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    let i = 0;
    res.write(`${line(i++)}\n`);
    srv().every(res, 10, () => res.write(`${line(i++)}\n`));
  });
}

/** Reads a body reader until it errors; fails if it ends cleanly. */
async function readUntilError(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<never> {
  for (;;) {
    const r = await reader.read();
    if (r.done) throw new Error("the stream ended cleanly instead of erroring");
  }
}

const SERVER_SEES_CLOSE_MS = 2_000;

describe("ending a stream from the client", { timeout: 10_000 }, () => {
  test("a user AbortSignal aborted mid-body ends the stream with the signal's reason", async () => {
    endlessRoute("/endless");
    const api = client();
    const controller = new AbortController();
    const reason = new Error("the user stopped it");
    const res = await within(api.get("endless", { signal: controller.signal, timeout: "none" }), 2_000, "the response head");
    const reader = res.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    controller.abort(reason);
    const error = await rejection(readUntilError(reader));
    expect(error).toBe(reason);
    await within(srv().hitsOf("/endless")[0]!.closed, SERVER_SEES_CLOSE_MS, "server seeing the aborted stream close");
  });

  test("a user abort mid-.lines() ends the loop with the signal's reason", async () => {
    endlessRoute("/endless");
    const api = client();
    const controller = new AbortController();
    const reason = new DOMException("stop", "AbortError");
    const got: string[] = [];
    const error = await rejection(
      (async () => {
        for await (const line of lines(api.get("endless", { signal: controller.signal, timeout: "none" }))) {
          got.push(line);
          if (got.length === 3) controller.abort(reason);
        }
      })(),
    );
    expect(error).toBe(reason);
    expect(got.slice(0, 3)).toEqual(["tick 0", "tick 1", "tick 2"]);
    await within(srv().hitsOf("/endless")[0]!.closed, SERVER_SEES_CLOSE_MS, "server seeing the aborted stream close");
  });

  test("close() mid-stream ends it with ERR_CLOSED, and later requests reject with ERR_CLOSED", async () => {
    endlessRoute("/endless");
    const api = client();
    const res = await within(api.get("endless", { timeout: "none" }), 2_000, "the response head");
    const reader = res.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    await api.close();
    const error = await rejection(readUntilError(reader));
    expect(error).toBeInstanceOf(TierfetchError);
    expect(error.code).toBe("ERR_CLOSED");
    await within(srv().hitsOf("/endless")[0]!.closed, SERVER_SEES_CLOSE_MS, "server seeing the closed stream close");

    const later = await rejection(api.get("endless").text());
    expect(later).toBeInstanceOf(TierfetchError);
    expect(later.code).toBe("ERR_CLOSED");
    expect(srv().hitsOf("/endless")).toHaveLength(1);
  });

  test("close() while a .lines() loop waits ends it with ERR_CLOSED", async () => {
    endlessRoute("/endless");
    const api = client();
    const got: string[] = [];
    const error = await rejection(
      (async () => {
        for await (const line of lines(api.get("endless", { timeout: "none" }))) {
          got.push(line);
          if (got.length === 2) void api.close();
        }
      })(),
    );
    expect(error).toBeInstanceOf(TierfetchError);
    expect(error.code).toBe("ERR_CLOSED");
    await within(srv().hitsOf("/endless")[0]!.closed, SERVER_SEES_CLOSE_MS, "server seeing the closed stream close");
  });

  test("early break out of for await over .lines() releases the connection", async () => {
    endlessRoute("/endless");
    const api = client();
    const got: string[] = [];
    for await (const line of lines(api.get("endless"))) {
      got.push(line);
      if (got.length === 3) break;
    }
    expect(got).toEqual(["tick 0", "tick 1", "tick 2"]);
    const hit = srv().hitsOf("/endless")[0]!;
    await within(hit.closed, SERVER_SEES_CLOSE_MS, "server seeing the request closed after break");
    expect(hit.finished).toBe(false);
    await srv().waitFor(() => hit.socket.destroyed, SERVER_SEES_CLOSE_MS, "the response socket to close");
  });

  test("early break out of for await over .ndjson() releases the connection", async () => {
    endlessRoute("/endless", (i) => JSON.stringify({ i }));
    const api = client();
    const got: unknown[] = [];
    for await (const item of ndjson<{ i: number }>(api.get("endless"))) {
      got.push(item);
      if (got.length === 2) break;
    }
    expect(got).toEqual([{ i: 0 }, { i: 1 }]);
    await within(srv().hitsOf("/endless")[0]!.closed, SERVER_SEES_CLOSE_MS, "server seeing the request closed after break");
  });

  test("early break out of for await over res.body releases the connection", async () => {
    endlessRoute("/endless");
    const api = client();
    const res = await api.get("endless");
    let chunks = 0;
    for await (const _chunk of res.body!) {
      if (++chunks === 2) break;
    }
    await within(srv().hitsOf("/endless")[0]!.closed, SERVER_SEES_CLOSE_MS, "server seeing the request closed after break");
  });
});

describe("connections are released", { timeout: 10_000 }, () => {
  test("after an early break the client keeps working on the same origin", async () => {
    endlessRoute("/endless");
    srv().route("/ok", (_req, res) => res.end("fine"));
    const api = client();
    for (let round = 0; round < 3; round++) {
      for await (const _line of lines(api.get("endless"))) break;
      expect(await within(api.get("ok").text(), 3_000, `request after break #${round + 1}`)).toBe("fine");
    }
    await srv().waitFor(() => srv().hitsOf("/endless").every((h) => h.closedAt !== undefined), 2_000, "every endless response to close");
  });

  test("close() aborts every request in flight; the server sees each one close", async () => {
    srv().route("/hang", () => {});
    endlessRoute("/endless");
    const api = client();
    const hanging = Array.from({ length: 4 }, () => api.get("hang").text());
    const streaming = await within(api.get("endless", { timeout: "none" }), 2_000, "the stream head");
    await srv().waitFor(() => srv().hitsOf("/hang").length === 4, 2_000, "all four requests to arrive");
    await api.close();
    for (const p of hanging) expect((await rejection(p, 2_000)).code).toBe("ERR_CLOSED");
    expect((await rejection(streaming.text(), 2_000)).code).toBe("ERR_CLOSED");
    await srv().waitFor(() => srv().inflight().length === 0, SERVER_SEES_CLOSE_MS, "every response to close");
  });

  test("a Response whose body is never read is released when the attempt's timeout expires", async () => {
    endlessRoute("/endless");
    const api = client();
    const res = await within(api.get("endless", { timeout: 80 }), 2_000, "the response head");
    expect(res.status).toBe(200);
    // Not reading it: the (unref'd) attempt timer still ends the body and frees the socket.
    await within(srv().hitsOf("/endless")[0]!.closed, 3_000, "server seeing the unread response close");
  });
});

describe("onDownloadProgress", { timeout: 10_000 }, () => {
  const CHUNK = 1000;
  const CHUNKS = 5;

  function chunkedRoute(path: string, contentLength: boolean) {
    srv().route(path, (_req, res) => {
      const headers: Record<string, string> = { "content-type": "application/octet-stream" };
      if (contentLength) headers["content-length"] = String(CHUNK * CHUNKS);
      res.writeHead(200, headers);
      let i = 0;
      res.write(Buffer.alloc(CHUNK, 97 + i++));
      srv().every(res, 15, () => {
        if (i < CHUNKS) res.write(Buffer.alloc(CHUNK, 97 + i++));
        else res.end();
      });
    });
  }

  test("reports increasing loaded, total from Content-Length, ending at 100%", async () => {
    chunkedRoute("/download", true);
    const api = client();
    const events: Progress[] = [];
    const bytes = await within(api.get("download", { onDownloadProgress: (p) => events.push({ ...p }) }).bytes(), 5_000, ".bytes()");
    expect(bytes.byteLength).toBe(CHUNK * CHUNKS);
    expect(events.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < events.length; i++) expect(events[i]!.loaded).toBeGreaterThanOrEqual(events[i - 1]!.loaded);
    expect(new Set(events.map((e) => e.loaded)).size).toBeGreaterThanOrEqual(2); // several steps, not one report at the end
    expect(events[0]!.loaded).toBeLessThan(CHUNK * CHUNKS);
    for (const e of events) expect(e.total).toBe(CHUNK * CHUNKS);
    for (const e of events) expect(e.percent).toBeCloseTo((e.loaded / (CHUNK * CHUNKS)) * 100, 5);
    const last = events.at(-1)!;
    expect(last.loaded).toBe(CHUNK * CHUNKS);
    expect(last.percent).toBe(100);
  });

  test("reports progress while the caller streams the Response itself", async () => {
    chunkedRoute("/download", true);
    const api = client();
    const events: Progress[] = [];
    const res = await api.get("download", { onDownloadProgress: (p) => events.push({ ...p }) });
    let read = 0;
    for await (const chunk of res.body!) {
      read += (chunk as Uint8Array).byteLength;
      // Progress is never behind what the reader already has.
      expect(events.at(-1)!.loaded).toBeGreaterThanOrEqual(read);
    }
    expect(events.at(-1)).toMatchObject({ loaded: CHUNK * CHUNKS, total: CHUNK * CHUNKS, percent: 100 });
  });

  test("a gzip body: total is unknown (Content-Length counts compressed bytes), loaded counts decoded bytes", async () => {
    const plain = Buffer.from("tierfetch ".repeat(2_000));
    const zipped = gzipSync(plain);
    srv().route("/download", (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain", "content-encoding": "gzip", "content-length": String(zipped.length) });
      res.end(zipped);
    });
    const api = client();
    const events: Progress[] = [];
    const text = await within(api.get("download", { onDownloadProgress: (p) => events.push({ ...p }) }).text(), 5_000, ".text()");
    expect(text).toBe(plain.toString());
    expect(events.slice(0, -1).every((e) => e.total === undefined)).toBe(true);
    expect(events.at(-1)).toMatchObject({ loaded: plain.length, percent: 100 });
  });

  test("without Content-Length, total is unknown until the end, which reports 100%", async () => {
    chunkedRoute("/download", false);
    const api = client();
    const events: Progress[] = [];
    await within(api.get("download", { onDownloadProgress: (p) => events.push({ ...p }) }).arrayBuffer(), 5_000, ".arrayBuffer()");
    expect(events.slice(0, -1).every((e) => e.total === undefined && e.percent === undefined)).toBe(true);
    expect(events.at(-1)).toMatchObject({ loaded: CHUNK * CHUNKS, percent: 100 });
  });
});
