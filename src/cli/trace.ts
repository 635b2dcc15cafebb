/**
 * A fetch wrapper handed to the client: it sees every attempt exactly as tierfetch sends it,
 * so -v can show the real request headers (masked) and each response as soon as it arrives,
 * and the CLI can keep the last response's metadata.
 */
import type { Reporter } from "./report.js";

export interface Trace {
  fetch: (input: Request | string, init?: RequestInit) => Promise<Response>;
  /** The last response received (any attempt), and how long its headers took. */
  last: { response: Response; ms: number } | undefined;
}

export function traceFetch(reporter: Reporter): Trace {
  let attempt = 0;
  const trace: Trace = {
    last: undefined,
    async fetch(input, init) {
      const isRequest = typeof input !== "string";
      const method = init?.method ?? (isRequest ? input.method : "GET");
      const url = isRequest ? input.url : input;
      const headers = new Headers(init?.headers ?? (isRequest ? input.headers : undefined));
      reporter.request(method.toUpperCase(), url, headers, attempt++);
      const started = performance.now();
      // Looked up per call, as the client itself does.
      const response = await globalThis.fetch(input, init);
      const ms = performance.now() - started;
      trace.last = { response, ms };
      reporter.response(response, ms);
      return response;
    },
  };
  return trace;
}
