/**
 * Shared pieces of the adversarial suite: loopback servers (two servers = two origins),
 * clients closed after each test, promises that never settle, a "still pending" probe, and a
 * bounded wait. The servers themselves are the integration suite's (test/integration/support):
 * every request is recorded, every socket destroyed on close, nothing outlives a test.
 */
import { getEventListeners } from "node:events";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, beforeEach } from "vitest";
import { createClient, type Client, type ClientOptions } from "../../../src/index.js";
import { startServer, type TestServer } from "../../integration/support/server.js";

export { closedPort, readBody, rejection, sleep, within, type TestServer, type Hit } from "../../integration/support/server.js";
export { captureUnhandled, delivered } from "../../integration/support/unhandled.js";
export { trackLibraryTimers } from "../../integration/support/timers.js";

/** Quick retries with no budget: a test's retries must not depend on what earlier tests spent. */
export const QUICK = { minDelay: 2, maxDelay: 10, budget: false } as const;

/** `count` fresh servers per test (each its own origin), closed after it. */
export function useServers(count: number): () => TestServer[] {
  let current: TestServer[] = [];
  beforeEach(async () => {
    current = await Promise.all(Array.from({ length: count }, () => startServer()));
  });
  afterEach(async () => {
    await Promise.all(current.map((s) => s.close()));
    current = [];
  });
  return () => {
    if (!current.length) throw new Error("useServers(): no servers outside a test");
    return current;
  };
}

/** A client factory: every client made in a test is closed after it. */
export function useClients(): (options?: ClientOptions) => Client {
  const made: Client[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((c) => c.close()));
  });
  return (options = {}) => {
    const api = createClient(options);
    made.push(api);
    return api;
  };
}

/** A promise that never settles, and how many times the function handing it out was called. */
export function neverSettling(): { fn: (...args: unknown[]) => Promise<never>; calls: () => number } {
  let calls = 0;
  return {
    fn: () => {
      calls++;
      return new Promise<never>(() => {});
    },
    calls: () => calls,
  };
}

const PENDING = Symbol("pending");

/**
 * Whether `promise` is still unsettled after `ms` of real time. The promise's own outcome is
 * kept (and its rejection marked handled) so the test can await it afterwards.
 */
export async function stillPending(promise: Promise<unknown>, ms = 200): Promise<boolean> {
  promise.catch(() => undefined);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const probe = new Promise<typeof PENDING>((resolve) => (timer = setTimeout(() => resolve(PENDING), ms)));
  const first = await Promise.race([promise.then(() => "settled", () => "settled"), probe]);
  clearTimeout(timer);
  return first === PENDING;
}

/** Abort listeners still registered on a signal (Node's view of an EventTarget). */
export function abortListeners(signal: AbortSignal): number {
  return getEventListeners(signal, "abort").length;
}

/** Lets pending rejections be reported (unhandledRejection fires after the microtask queue drains). */
export async function settleUnhandled(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  await new Promise((r) => setTimeout(r, 20));
}

/** Every text a caller could log of an error: message, String(), JSON.stringify, util.inspect. */
export async function shownForms(error: unknown): Promise<string[]> {
  const { inspect } = await import("node:util");
  return [(error as Error).message, String(error), JSON.stringify(error), inspect(error, { depth: 5 }), (error as Error).stack ?? ""];
}

/** V8's `gc()`, exposed at run time (vitest starts workers without --expose-gc). */
export function exposedGc(): () => void {
  setFlagsFromString("--expose_gc");
  return runInNewContext("gc") as () => void;
}

/**
 * Answers `path` with `status` and a body written in parts `gap` ms apart: `count` parts of
 * `part`, then the end (never, with count Infinity). Returns how many such responses closed.
 */
export function dripRoute(s: TestServer, path: string, opts: { status?: number; part: string; count: number; gap: number }): () => number {
  let closed = 0;
  s.route(path, (_req, res) => {
    res.on("close", () => closed++);
    res.writeHead(opts.status ?? 200, { "content-type": "text/plain" });
    let sent = 0;
    const next = () => {
      if (res.destroyed) return;
      if (sent++ === opts.count) return void res.end();
      res.write(opts.part);
      s.later(opts.gap, next);
    };
    next();
  });
  return () => closed;
}

/** Runs each `drop` (a call whose Response is dropped unread), then forces GC until its connection closes: the drops that never freed theirs. */
export async function pinnedAfterGc(closed: () => number, drops: Record<string, () => Promise<void>>): Promise<string[]> {
  const gc = exposedGc();
  const pinned: string[] = [];
  for (const [name, drop] of Object.entries(drops)) {
    const before = closed();
    await drop();
    for (let i = 0; i < 20 && closed() === before; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 25));
    }
    if (closed() === before) pinned.push(name);
  }
  return pinned;
}

/** Starts each read, forces GC while it runs, and returns the reads that did not get `length` characters (with what they got). */
export async function shortReadsUnderGc(length: number, reads: Record<string, () => Promise<string>>): Promise<string[]> {
  const gc = exposedGc();
  const short: string[] = [];
  for (const [name, read] of Object.entries(reads)) {
    const reading = read();
    for (let i = 0; i < 4; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 25));
    }
    const got = (await reading).length;
    if (got !== length) short.push(`${name}: ${got}`);
  }
  return short;
}

