/**
 * Server-Sent Events from a real streaming server: events arrive while the response is still
 * open, and `.sse({ reconnect: true })` behaves like EventSource across a dropped connection.
 */
import { describe, expect, test } from "vitest";
import { sse, NetworkError, type ServerSentEvent } from "../../src/index.js";
import { useClients } from "./support/clients.js";
import { rejection, useServer, within } from "./support/server.js";
import { trackLibraryTimers } from "./support/timers.js";

const srv = useServer();
const client = useClients(srv);

const SSE_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache" };

describe(".sse() over a live stream", { timeout: 10_000 }, () => {
  test("yields each event as it arrives: the first before the server ends the response", async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    srv().route("/events", async (_req, res) => {
      res.writeHead(200, SSE_HEADERS);
      res.write(": hello\n\nid: 1\ndata: first\n\n");
      await released; // the rest only once the client has shown it got the first event
      res.write("id: 2\nevent: update\ndata: second\ndata: line two\n\n");
      res.end();
    });
    const api = client();
    const events: ServerSentEvent[] = [];
    let openWhenFirstArrived: boolean | undefined;
    try {
      await within(
        (async () => {
          for await (const event of sse(api.get("events", { timeout: "none" }))) {
            events.push(event);
            if (events.length === 1) {
              openWhenFirstArrived = srv().hitsOf("/events")[0]!.closedAt === undefined;
              release();
            }
          }
        })(),
        3_000,
        "the event stream (a first event held back until the end would never arrive)",
      );
    } finally {
      release();
    }
    expect(openWhenFirstArrived).toBe(true);
    expect(events).toEqual([
      { event: "message", data: "first", id: "1" },
      { event: "update", data: "second\nline two", id: "2" },
    ]);
  });

  test("without reconnect, a dropped connection ends the loop with NetworkError after the events so far", async () => {
    srv().route("/events", (_req, res) => {
      res.writeHead(200, SSE_HEADERS);
      res.write("id: 1\ndata: only\n\n", () => srv().later(10, () => res.socket?.destroy()));
    });
    const api = client();
    const events: ServerSentEvent[] = [];
    const error = await rejection(
      (async () => {
        for await (const event of sse(api.get("events", { timeout: "none" }))) events.push(event);
      })(),
    );
    expect(error).toBeInstanceOf(NetworkError);
    expect(events.map((e) => e.data)).toEqual(["only"]);
    expect(srv().hitsOf("/events")).toHaveLength(1);
  });
});

describe(".sse({ reconnect: true })", { timeout: 10_000 }, () => {
  test("reconnects after a drop with Last-Event-ID, honours retry:, skips resent ids, stops on 204", async () => {
    srv().route("/feed", (_req, res, hit) => {
      if (hit.n === 1) {
        res.writeHead(200, SSE_HEADERS);
        res.write("retry: 20\nid: 1\ndata: a\n\n");
        res.write("id: 2\ndata: b\n\n", () => srv().later(10, () => res.socket?.destroy())); // dropped mid-stream
      } else if (hit.n === 2) {
        res.writeHead(200, SSE_HEADERS);
        res.write("id: 2\ndata: b\n\n"); // already delivered: must not come out again
        res.end("id: 3\ndata: c\n\n"); // a clean end: EventSource reconnects after it too
      } else {
        res.writeHead(204);
        res.end();
      }
    });
    // A backoff of 5 s: a reconnection within the bound below can only come from `retry: 20`.
    const api = client({ retry: { maxRetries: 4, minDelay: 5_000, maxDelay: 5_000, budget: false } });
    const events: ServerSentEvent[] = [];
    const timers = trackLibraryTimers();
    try {
      await within(
        (async () => {
          for await (const event of sse(api.get("feed", { timeout: "none" }), { reconnect: true })) events.push(event);
        })(),
        8_000,
        "the reconnecting stream to end on 204",
      );
    } finally {
      timers.restore();
    }

    expect(events.map((e) => [e.id, e.data])).toEqual([
      ["1", "a"],
      ["2", "b"],
      ["3", "c"],
    ]);
    expect(events[0]!.retry).toBe(20);
    const hits = srv().hitsOf("/feed");
    expect(hits).toHaveLength(3);
    expect(hits.map((h) => h.headers["last-event-id"])).toEqual([undefined, "2", "3"]);
    // Both reconnections waited the server's 20 ms (the sleeps the library scheduled), not the backoff.
    expect(timers.delaysFrom("timers.ts", "sleep")).toEqual([20, 20]);
    expect(hits[1]!.at - hits[0]!.closedAt!).toBeLessThan(3_000);
  });

  test("a stream that goes quiet past idleTimeout reconnects with Last-Event-ID", async () => {
    srv().route("/feed", (_req, res, hit) => {
      if (hit.n === 1) {
        res.writeHead(200, SSE_HEADERS);
        res.write("retry: 10\nid: 7\ndata: last words\n\n"); // then silence, connection kept open
      } else res.writeHead(204).end();
    });
    const api = client();
    const events: ServerSentEvent[] = [];
    await within(
      (async () => {
        for await (const event of sse(api.get("feed", { timeout: "none", idleTimeout: 50 }), { reconnect: true })) events.push(event);
      })(),
      5_000,
      "the stream to reconnect and end on 204",
    );
    expect(events.map((e) => e.data)).toEqual(["last words"]);
    const hits = srv().hitsOf("/feed");
    expect(hits.map((h) => h.headers["last-event-id"])).toEqual([undefined, "7"]);
    await within(hits[0]!.closed, 2_000, "the quiet connection to be closed by the client");
  });

  test("a 204 on the first connection ends the stream with no events", async () => {
    srv().route("/feed", (_req, res) => {
      res.writeHead(204);
      res.end();
    });
    const api = client();
    const events: ServerSentEvent[] = [];
    await within(
      (async () => {
        for await (const event of sse(api.get("feed"), { reconnect: true })) events.push(event);
      })(),
      3_000,
      "the stream",
    );
    expect(events).toEqual([]);
    expect(srv().hitsOf("/feed")).toHaveLength(1);
  });

  test("leaving the loop early stops reconnecting and releases the connection", async () => {
    srv().route("/feed", (_req, res, hit) => {
      res.writeHead(200, SSE_HEADERS);
      let i = 0;
      res.write(`id: ${hit.n}-${i}\ndata: x\n\n`);
      srv().every(res, 10, () => res.write(`id: ${hit.n}-${++i}\ndata: x\n\n`));
    });
    const api = client();
    let n = 0;
    for await (const _event of sse(api.get("feed", { timeout: "none" }), { reconnect: true })) {
      if (++n === 2) break;
    }
    await within(srv().hitsOf("/feed")[0]!.closed, 2_000, "server seeing the stream closed after break");
    await new Promise((r) => setTimeout(r, 50));
    expect(srv().hitsOf("/feed")).toHaveLength(1);
  });
});
