/**
 * A response body watched while it is read: the attempt's timer ends when the body does,
 * `idleTimeout` bounds the gap between chunks, progress is reported, and an abort of the
 * attempt ends the stream with the classified error (a TimeoutError, the user's reason, or
 * ERR_CLOSED) even where a runtime's fetch would not error the body itself.
 */
import type { Progress } from "./options.js";
import { clearTimer, noop, setTimer, type Timer } from "./timers.js";

/** The attempt a body belongs to. */
export interface BodyWatch {
  readonly controller: AbortController;
  /** The longest gap allowed between two chunks (undefined: none). */
  readonly idle: number | undefined;
  readonly onProgress: ((p: Progress) => void) | undefined;
  /** Called by the attempt's abort(), after its controller aborted. */
  onAbort: ((reason: unknown) => void) | undefined;
  /** Ends the attempt: called once the body ends, errors or is cancelled. */
  finish(): void;
  /** Turns a read error (or the abort reason) into the error the reader sees. */
  classify(error: unknown): unknown;
  /** Aborts the attempt with its own TimeoutError (here: the idle gap's). */
  expire(kind: "idle"): void;
}

const onIdle = (watch: BodyWatch) => watch.expire("idle");

/** A Response whose body goes through the watch; status, headers and url are kept. */
export function trackBody(response: Response, watch: BodyWatch): Response {
  const reader = response.body?.getReader();
  if (!reader) {
    watch.finish();
    return response;
  }
  const { idle: idleTimeout, onProgress } = watch;
  const encoded = response.headers.get("content-encoding");
  const length = encoded && encoded !== "identity" ? null : response.headers.get("content-length");
  const total = /^\d+$/.test(length ?? "") ? Number(length) : undefined;
  let loaded = 0;
  let idle: Timer | undefined;
  let ended = false;
  let sink: ReadableStreamDefaultController<Uint8Array>;

  const end = () => {
    ended = true;
    clearTimer(idle);
    watch.onAbort = undefined;
    watch.finish();
  };
  // Ends the stream with the error the reader sees: what broke the read, or the abort's reason.
  const fail = (error: unknown) => {
    if (ended) return;
    const classified = watch.classify(error);
    end();
    try {
      sink.error(classified);
    } catch {
      /* already closed */
    }
    reader.cancel(classified).catch(noop);
  };

  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        sink = controller;
        const { signal } = watch.controller;
        if (signal.aborted) fail(signal.reason);
        else watch.onAbort = fail;
      },
      async pull(controller) {
        if (idleTimeout !== undefined) idle = setTimer(onIdle, idleTimeout, watch);
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (error) {
          return fail(error);
        } finally {
          clearTimer(idle);
        }
        if (ended) return;
        if (chunk.done) {
          onProgress?.({ loaded, total: loaded, percent: 100 });
          end();
          controller.close();
        } else {
          loaded += chunk.value.byteLength;
          onProgress?.({ loaded, total, percent: total ? Math.min(100, (loaded / total) * 100) : undefined });
          controller.enqueue(chunk.value);
        }
      },
      cancel(reason) {
        end();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return rebuildResponse(response, body);
}

/** Statuses whose Response must have a null body (the Response constructor throws otherwise). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * A new Response with another body, keeping status, statusText, headers, url and redirected.
 * A null-body status (101, 103, 204, 205, 304) gets a null body, whatever it was given:
 * browsers hand a 204 a non-null empty `body`, which a new Response may not carry. A given
 * stream is then cancelled, so whatever watches it (the attempt) ends. A status no Response can
 * be made with (under 200: 101, 103, an opaque 0) keeps the original.
 */
export function rebuildResponse(response: Response, body: BodyInit): Response {
  const nullBody = NULL_BODY_STATUSES.has(response.status);
  if (nullBody && body instanceof ReadableStream) body.cancel().catch(noop);
  if (response.status < 200) return response;
  const out = new Response(nullBody ? null : body, response);
  if (response.url) Object.defineProperty(out, "url", { value: response.url });
  if (response.redirected) Object.defineProperty(out, "redirected", { value: true });
  return out;
}

/** A body that gives the chunks already read, then the rest of the reader's. */
export function replay(head: Uint8Array[], reader: ReadableStreamDefaultReader<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of head) controller.enqueue(chunk);
    },
    async pull(controller) {
      const r = await reader.read();
      if (r.done) controller.close();
      else controller.enqueue(r.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/** Reads the start of a body (up to 64 KiB, for an error message); `done` when that was all of it. */
export async function readHead(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<{ head: Uint8Array[]; done: boolean }> {
  const head: Uint8Array[] = [];
  for (let size = 0; size < 65_536; ) {
    const r = await reader.read();
    if (r.done) return { head, done: true };
    head.push(r.value);
    size += r.value.byteLength;
  }
  return { head, done: false };
}
