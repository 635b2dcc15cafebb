/**
 * An msw server per test file that fails on any request no handler matches, and records
 * every request that reached `fetch` (method, URL, headers), so a test can say "nothing was
 * sent" or "the second attempt carried the same key".
 */
import { afterAll, afterEach, beforeAll } from "vitest";
import { HttpResponse } from "msw";
import { setupServer } from "msw/node";

/** What the mock saw of one request. */
export interface SeenRequest {
  method: string;
  url: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
}

export interface MockServer {
  server: ReturnType<typeof setupServer>;
  /** Every request that reached the mock, in order (cleared after each test). */
  seen: SeenRequest[];
}

/** Starts msw for the file; `onUnhandledRequest: "error"` so a stray request fails the test. */
export function useMockServer(): MockServer {
  const server = setupServer();
  const seen: SeenRequest[] = [];
  server.events.on("request:start", ({ request }) => {
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => (headers[name] = value));
    seen.push({ method: request.method, url: request.url, headers });
  });
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterEach(() => {
    server.resetHandlers();
    seen.length = 0;
  });
  afterAll(() => server.close());
  return { server, seen };
}

/** A handler result that never comes: msw rejects the fetch when its signal aborts. */
export function hang(): Promise<never> {
  return new Promise<never>(() => {});
}

/** A promise and its resolver, for things a test releases by hand. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (reason: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
}

/** Resolves once `seen` holds `count` requests (polling real time, bounded). */
export async function waitForRequests(seen: unknown[], count: number, limitMs = 2000): Promise<void> {
  const until = Date.now() + limitMs;
  while (seen.length < count) {
    if (Date.now() > until) throw new Error(`expected ${count} requests, saw ${seen.length}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** A streamed body: the given chunks, then (optionally) an error or a stall. */
export function streamOf(chunks: string[], end: "close" | "stall" | Error = "close"): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < chunks.length) {
        controller.enqueue(encoder.encode(chunks[i++]!));
        return;
      }
      if (end === "close") controller.close();
      else if (end instanceof Error) controller.error(end);
      else return new Promise<void>(() => {}); // stall: no more data, never ends
    },
  });
}

/** One scripted reply: a status (200 answers "ok", others "status N"), a network error, or no answer. */
export type Reply = number | "network-error" | "hang" | (() => Response | Promise<Response>);

/** A resolver answering its n-th request with `replies[n]` (the last reply repeats). */
export function replies(...script: Reply[]): () => Response | Promise<Response> {
  let n = 0;
  return () => {
    const reply = script[Math.min(n++, script.length - 1)]!;
    if (reply === "network-error") return HttpResponse.error();
    if (reply === "hang") return hang();
    if (typeof reply === "function") return reply();
    if (reply === 200) return HttpResponse.text("ok");
    if (reply === 204 || reply === 304) return new HttpResponse(null, { status: reply });
    return new HttpResponse(`status ${reply}`, { status: reply });
  };
}
