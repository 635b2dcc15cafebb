/**
 * `api.fetch`: the global fetch's contract on top of the client, so any SDK or library that
 * takes a custom `fetch` (OpenAI, Anthropic, ky…) runs on tierfetch. The arguments of fetch
 * become the options of one request: a Request's method, headers, body and signal are used
 * (its body read once, so that it can be sent again), init's fields override them, and the
 * fields tierfetch does not know pass to fetch as they are.
 */
import { headerEntries } from "../http/headers.js";
import type { RequestOptions } from "../options/options.js";

/** The fields of a fetch init that become tierfetch options (the rest pass through). */
const OWN_FIELDS = new Set(["method", "headers", "body", "signal", "duplex"]);

/** A fetch call as a tierfetch request. */
export interface FetchCall {
  method: string;
  url: string | URL;
  options: RequestOptions;
}

/** Turns fetch's arguments into a request. Reads a Request's body (it is sent again on a retry). */
export async function fromFetchArguments(input: RequestInfo | URL, init: RequestInit | undefined): Promise<FetchCall> {
  const request = typeof Request !== "undefined" && input instanceof Request ? input : undefined;
  // As fetch does: init's headers replace the Request's, they are not merged.
  const headers = headerEntries<string>(init?.headers !== undefined ? new Headers(init.headers) : request?.headers);
  let body: unknown = init?.body;
  if (body === undefined && request?.body) body = await request.arrayBuffer();
  const extra: Record<string, unknown> = Object.create(null);
  if (request && request.redirect !== "follow") extra.redirect = request.redirect;
  if (init) for (const key of Object.keys(init)) if (!OWN_FIELDS.has(key) && (init as Record<string, unknown>)[key] !== undefined) extra[key] = (init as Record<string, unknown>)[key];
  const signal = init?.signal ?? request?.signal;
  return {
    method: init?.method ?? request?.method ?? "GET",
    url: request ? request.url : (input as string | URL),
    options: { headers, body: body as RequestOptions["body"], signal: signal ?? undefined, init: extra },
  };
}
