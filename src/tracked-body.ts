/**
 * A response body watched while it is read: the attempt's timer ends when the body does,
 * `idleTimeout` bounds the gap between chunks, progress is reported, and an abort of the
 * attempt ends the stream with the classified error (a TimeoutError, the user's reason, or
 * ERR_CLOSED) even where a runtime's fetch would not error the body itself.
 */
import type { Progress } from "./options.js";

export interface BodyWatch {
  /** The attempt's controller: aborting it ends the body. */
  controller: AbortController;
  /** Called once when the body ends, errors or is cancelled. */
  onEnd: () => void;
  /** Turns a read error (or the controller's abort) into the error the reader sees. */
  classify: (error: unknown) => unknown;
  /** Longest gap between chunks, and what to abort with when it passes. */
  idleMs?: number;
  onIdle?: () => void;
  onProgress?: (progress: Progress) => void;
}

/** A Response whose body goes through the watch; status, headers and url are kept. */
export function trackBody(response: Response, watch: BodyWatch): Response {
  const source = response.body;
  if (!source) {
    watch.onEnd();
    return response;
  }
  const reader = source.getReader();
  const encoded = response.headers.get("content-encoding");
  const length = encoded && encoded !== "identity" ? null : response.headers.get("content-length");
  const total = length !== null && /^\d+$/.test(length) ? Number(length) : undefined;
  let loaded = 0;
  let idle: ReturnType<typeof setTimeout> | undefined;
  let ended = false;
  let sink: ReadableStreamDefaultController<Uint8Array> | undefined;
  const signal = watch.controller.signal;

  const end = () => {
    if (ended) return;
    ended = true;
    if (idle !== undefined) clearTimeout(idle);
    signal.removeEventListener("abort", onAbort);
    watch.onEnd();
  };
  function onAbort() {
    if (ended) return;
    const error = watch.classify(signal.reason);
    end();
    try {
      sink?.error(error);
    } catch {
      /* already closed */
    }
    reader.cancel(error).catch(() => {});
  }
  signal.addEventListener("abort", onAbort);

  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        sink = controller;
        if (signal.aborted) onAbort();
      },
      async pull(controller) {
        if (watch.idleMs !== undefined && watch.onIdle) idle = setTimeout(watch.onIdle, watch.idleMs);
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (error) {
          if (ended) return;
          const classified = watch.classify(error);
          end();
          controller.error(classified);
          return;
        } finally {
          if (idle !== undefined) clearTimeout(idle);
          idle = undefined;
        }
        if (ended) return;
        if (chunk.done) {
          if (watch.onProgress) watch.onProgress({ loaded, total: loaded, percent: 100 });
          end();
          controller.close();
          return;
        }
        loaded += chunk.value.byteLength;
        if (watch.onProgress) watch.onProgress({ loaded, total, percent: total ? Math.min(100, (loaded / total) * 100) : undefined });
        controller.enqueue(chunk.value);
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

/** A new Response with another body, keeping status, headers, url and redirected. */
export function rebuildResponse(response: Response, body: BodyInit | null): Response {
  const out = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  if (response.url) Object.defineProperty(out, "url", { value: response.url });
  if (response.redirected) Object.defineProperty(out, "redirected", { value: true });
  return out;
}

/**
 * Reads the start of a body (up to `limit` bytes) for an error message, and returns a Response
 * that still gives the whole body to whoever reads it next.
 */
export async function readBodyStart(response: Response, limit = 65_536): Promise<{ text: string; response: Response; complete: boolean }> {
  const source = response.body;
  if (!source) return { text: "", response, complete: true };
  const reader = source.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let done = false;
  while (size < limit) {
    const r = await reader.read();
    if (r.done) {
      done = true;
      break;
    }
    chunks.push(r.value);
    size += r.value.byteLength;
  }
  const bytes = concat(chunks, size);
  const text = new TextDecoder().decode(bytes.subarray(0, 1024));
  if (done) return { text, response: rebuildResponse(response, bytes as BodyInit), complete: true };
  const rest = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
    },
    async pull(controller) {
      const r = await reader.read();
      if (r.done) controller.close();
      else controller.enqueue(r.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return { text, response: rebuildResponse(response, rest), complete: false };
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
