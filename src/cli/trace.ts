/**
 * A fetch wrapper handed to the client: it sees every attempt as tierfetch makes it, so -v
 * shows each request head as written on the socket (see wire.ts), or, when none was written
 * (the connection failed first), the headers the attempt meant to send; and each response as
 * soon as it arrives.
 */
import type { Reporter } from "./report.js";
import { watchWire } from "./wire.js";

export interface Trace {
  fetch: (input: Request | string, init?: RequestInit) => Promise<Response>;
  /** Stops watching the wire. */
  stop(): void;
}

export function traceFetch(reporter: Reporter): Trace {
  let attempt = 0;
  let written = false;
  let bodyLength: number | undefined;
  const stop = reporter.verbose ? watchWire((head) => {
    written = true;
    // undici writes Content-Length with the body, after this head: shown here with the rest.
    const hasLength = head.headers.some(([name]) => name.toLowerCase() === "content-length");
    const headers: [string, string][] = bodyLength === undefined || hasLength ? head.headers : [...head.headers, ["content-length", String(bodyLength)]];
    reporter.request(head.method, head.url, headers, attempt);
  }) : () => {};
  return {
    stop,
    async fetch(input, init) {
      attempt++;
      written = false;
      reporter.sending(typeof input === "string" ? input : input.url);
      bodyLength = byteLength(init?.body);
      const started = performance.now();
      try {
        // Looked up per call, as the client itself does.
        const response = await globalThis.fetch(input, init);
        reporter.response(response, performance.now() - started);
        return response;
      } finally {
        if (!written && reporter.verbose) {
          const isRequest = typeof input !== "string";
          const headers = new Headers(init?.headers ?? (isRequest ? input.headers : undefined));
          reporter.request((init?.method ?? (isRequest ? input.method : "GET")).toUpperCase(), isRequest ? input.url : input, [...headers], attempt);
        }
      }
    },
  };
}

/** The size of a body fetch sends with a Content-Length (a string or bytes); undefined for a stream. */
function byteLength(body: BodyInit | null | undefined): number | undefined {
  if (typeof body === "string") return new TextEncoder().encode(body).byteLength;
  if (body instanceof Uint8Array || body instanceof ArrayBuffer) return body.byteLength;
  return undefined;
}
