/**
 * A real node:http server on 127.0.0.1 for the integration tests.
 *
 * One server per test (`useServer()`): a fresh port means a fresh connection pool in the
 * client's fetch, so a keep-alive socket that one test's server closed can never be picked
 * up by the next test. Routes are registered per test; every request is recorded as a `Hit`
 * (headers, body size, when it arrived, when its response closed); every socket is recorded
 * and destroyed when the server closes, and every timer a handler starts through `later` /
 * `every` is cleared with it, so nothing outlives the test.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, afterEach, beforeEach } from "vitest";
import { delivered, installUnhandledFilter } from "./unhandled.js";

installUnhandledFilter();

export interface Hit {
  /** 1-based number of this request among the requests to the same path. */
  n: number;
  method: string;
  /** Path without the query. */
  path: string;
  /** Full request target (path and query). */
  target: string;
  headers: IncomingMessage["headers"];
  req: IncomingMessage;
  res: ServerResponse;
  socket: Socket;
  /** performance.now() when the request head arrived. */
  at: number;
  /** performance.now() when the response closed (finished, or its socket went away). */
  closedAt?: number;
  /** True when the response was fully written before it closed. */
  finished?: boolean;
  /** Resolves when the response closes, for whatever reason. */
  closed: Promise<void>;
}

/** A route handler; its return value is ignored (so `res.writeHead(...).end(...)` can be the body of an arrow). */
export type Handler = (req: IncomingMessage, res: ServerResponse, hit: Hit) => unknown;

export interface TestServer {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** Every request, in arrival order. */
  hits: Hit[];
  /** Every socket the server accepted. */
  sockets: Set<Socket>;
  /** Sets the handler of a path (exact match, query ignored). Unknown paths answer 404. */
  route(path: string, handler: Handler): void;
  /** Requests to one path. */
  hitsOf(path: string): Hit[];
  /** Responses not closed yet. */
  inflight(): Hit[];
  /** Sockets still open. */
  openSockets(): Socket[];
  /** A timer cleared when the server closes. */
  later(ms: number, fn: () => void): void;
  /** Calls `fn` every `ms` until the response closes (or the server does). */
  every(res: ServerResponse, ms: number, fn: () => void): void;
  /** Resolves when `predicate()` holds (checked each 5 ms); rejects after `ms`. */
  waitFor(predicate: () => boolean, ms?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

const servers = new Set<TestServer>();

/** Starts a server on an ephemeral port of 127.0.0.1. */
export async function startServer(): Promise<TestServer> {
  const routes = new Map<string, Handler>();
  const hits: Hit[] = [];
  const sockets = new Set<Socket>();
  const open = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const intervals = new Set<ReturnType<typeof setInterval>>();
  let closing = false;

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname;
    let onClose!: () => void;
    const hit: Hit = {
      n: hits.filter((h) => h.path === path).length + 1,
      method: req.method ?? "",
      path,
      target: req.url ?? "/",
      headers: req.headers,
      req,
      res,
      socket: req.socket,
      at: performance.now(),
      closed: new Promise<void>((resolve) => (onClose = resolve)),
    };
    res.once("close", () => {
      hit.closedAt = performance.now();
      hit.finished = res.writableFinished;
      onClose();
    });
    hits.push(hit);
    const handler = routes.get(path);
    if (!handler) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end(`no route ${path}`);
      return;
    }
    Promise.resolve()
      .then(() => handler(req, res, hit))
      .catch((error: unknown) => {
        if (!res.headersSent) {
          res.writeHead(599, { "content-type": "text/plain" });
          res.end(`handler failed: ${(error as Error)?.message ?? error}`);
        } else res.destroy();
      });
  });
  server.keepAliveTimeout = 2_000;
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    open.add(socket);
    socket.once("close", () => open.delete(socket));
  });
  // A client that goes away mid-request is normal in these tests.
  server.on("clientError", (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const srv: TestServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    hits,
    sockets,
    route(path, handler) {
      routes.set(path, handler);
    },
    hitsOf: (path) => hits.filter((h) => h.path === path),
    inflight: () => hits.filter((h) => h.closedAt === undefined),
    openSockets: () => [...open],
    later(ms, fn) {
      if (closing) return;
      const t = setTimeout(() => {
        timers.delete(t);
        fn();
      }, ms);
      timers.add(t);
    },
    every(res, ms, fn) {
      if (closing) return;
      const t = setInterval(() => {
        if (res.destroyed || res.writableEnded) stop();
        else fn();
      }, ms);
      const stop = () => {
        clearInterval(t);
        intervals.delete(t);
      };
      intervals.add(t);
      res.once("close", stop);
    },
    async waitFor(predicate, ms = 2_000, what = "condition") {
      const until = performance.now() + ms;
      while (!predicate()) {
        if (performance.now() > until) throw new Error(`server: timed out after ${ms} ms waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async close() {
      if (closing) return;
      closing = true;
      servers.delete(srv);
      for (const t of timers) clearTimeout(t);
      for (const t of intervals) clearInterval(t);
      timers.clear();
      intervals.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of open) s.destroy();
      server.closeAllConnections();
      await done;
    },
  };
  servers.add(srv);
  return srv;
}

/** A server per test, started in beforeEach and closed in afterEach. Call inside a describe or at top level. */
export function useServer(): () => TestServer {
  let current: TestServer | undefined;
  beforeEach(async () => {
    current = await startServer();
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error("useServer(): no server outside a test");
    return current;
  };
}

// Safety net: whatever a test forgot is closed when its file ends.
afterAll(async () => {
  await Promise.all([...servers].map((s) => s.close()));
});

/** A port on 127.0.0.1 that nothing listens on (it was just released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Reads a request body to the end. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Rejects with a clear message when `promise` has not settled within `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BoundError(`test bound: ${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** The rejection of a promise that must reject (fails the test when it resolves), bounded in time. */
export async function rejection(promise: Promise<unknown>, ms = 5_000): Promise<any> {
  try {
    const value = await within(promise, ms, "the request");
    throw new ExpectedRejection(value);
  } catch (error) {
    if (error instanceof ExpectedRejection) throw new Error(`expected a rejection, got a value: ${String(error.value).slice(0, 200)}`);
    if (error instanceof BoundError) throw error;
    return delivered(error);
  }
}

/** The test's own time limit ran out (never confused with the library's errors). */
export class BoundError extends Error {
  override name = "BoundError";
}

class ExpectedRejection {
  constructor(readonly value: unknown) {}
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
