/**
 * `api.fetch`: the global fetch's contract on top of the client, so any SDK or library that
 * takes a custom `fetch` (OpenAI, Anthropic, ky…) runs on tierfetch. The arguments of fetch
 * become the options of one request: a Request's method, headers, body and signal are used
 * (its body read once, so that it can be sent again), its other fields (cache, credentials,
 * integrity...) pass to fetch, init's fields override them, and the fields tierfetch does not
 * know pass to fetch as they are.
 */
import { headerEntries } from "../http/headers.js";
import type { RequestOptions } from "../options/options.js";
import { optionError } from "../options/option-error.js";
import { streamsNeedDuplex } from "../http/stream-uploads.js";

/** The fields of a fetch init that become tierfetch options (the rest pass through). */
const OWN_FIELDS = new Set(["method", "headers", "body", "signal", "duplex"]);

/** A fetch call as a tierfetch request. */
export interface FetchCall {
  method: string;
  url: string | URL;
  options: RequestOptions;
}

/**
 * A Request, of this realm or of another (an iframe's: `instanceof` fails there, its brand shows
 * in Object.prototype.toString), as fetch takes both; anything else fetch reads as a string.
 */
const isRequest = (input: unknown): input is Request =>
  typeof Request !== "undefined" && (input instanceof Request || (typeof input === "object" && input !== null && Object.prototype.toString.call(input) === "[object Request]"));

/** `input` as a Request of this realm (another realm's copied as fetch copies it: its body then used), or undefined. */
const ownRequest = (input: unknown): Request | undefined => (input instanceof Request ? input : isRequest(input) ? new Request(input) : undefined);

/**
 * The signal fetch would use: init's when init has one (`signal: null` drops the Request's, as
 * `new Request(request, { signal: null })` does), else the Request's.
 */
export function fetchSignal(input: RequestInfo | URL, init: RequestInit | null | undefined): AbortSignal | undefined {
  const signal = init?.signal !== undefined ? init.signal : isRequest(input) ? input.signal : undefined;
  return signal ?? undefined;
}

/**
 * Turns fetch's arguments into a request. A Request and an init combine as fetch combines them,
 * through `new Request(request, init)`: init's headers replace the Request's, its body is kept
 * under another method, a combination fetch refuses (a body on GET) throws its TypeError. The
 * Request's body is read (it is sent again on a retry); init's own body is sent as it is.
 */
export async function fromFetchArguments(input: RequestInfo | URL, init: RequestInit | null | undefined): Promise<FetchCall> {
  checkDuplex((init as { duplex?: unknown } | null | undefined)?.duplex);
  const given = ownRequest(input);
  const request = given && init != null ? new Request(given, init) : given;
  const initBody = init?.body ?? undefined;
  if (initBody instanceof ReadableStream && (init as { duplex?: string }).duplex === undefined && streamsNeedDuplex()) {
    throw optionError("duplex", 'is required when sending a ReadableStream body: add duplex: "half", as fetch asks');
  }
  const headers = headerEntries<string>(request ? request.headers : init?.headers !== undefined ? new Headers(init.headers) : undefined);
  let body: unknown = initBody;
  if (body === undefined && request) body = await requestBody(request);
  const extra: Record<string, unknown> = Object.create(null);
  if (request) requestFields(request, extra);
  if (init) for (const key of Object.keys(init)) if (!OWN_FIELDS.has(key) && (init as Record<string, unknown>)[key] !== undefined) extra[key] = (init as Record<string, unknown>)[key];
  return {
    method: request ? request.method : (init?.method ?? "GET"),
    // fetch reads any other input as a string (its toString), as `new Request(input)` does.
    url: request ? request.url : input instanceof URL ? input : String(input),
    options: { headers, body: body as RequestOptions["body"], signal: fetchSignal(input, init), init: extra },
  };
}

/**
 * The fields of a Request that fetch honours besides its method, headers, body and signal, each
 * with the value it has when never set: a Request's own value (init's, once combined) passes
 * to fetch as an init field. A field a runtime does not have reads undefined and is left out.
 */
const REQUEST_DEFAULTS: Readonly<Record<string, unknown>> = {
  redirect: "follow",
  cache: "default",
  credentials: "same-origin",
  integrity: "",
  keepalive: false,
  mode: "cors",
  referrer: "about:client",
  referrerPolicy: "",
};

/** Copies the fields of `request` that differ from their defaults into `extra` (init fields for fetch). */
function requestFields(request: Request, extra: Record<string, unknown>): void {
  for (const key in REQUEST_DEFAULTS) {
    let value = (request as unknown as Record<string, unknown>)[key];
    // fetch with an init turns a navigation's mode into same-origin (init may not ask for "navigate").
    if (key === "mode" && value === "navigate") value = "same-origin";
    if (value !== undefined && value !== REQUEST_DEFAULTS[key]) extra[key] = value;
  }
}

/**
 * fetch refuses an init.duplex other than "half" where the runtime knows the field (Node,
 * Chromium; Bun ignores it): the same value goes to this runtime's Request constructor, which
 * judges it as its fetch would (duplex is tierfetch's own field, never passed on as it is).
 */
function checkDuplex(duplex: unknown): void {
  if (duplex === undefined || duplex === "half" || typeof Request === "undefined") return;
  try {
    new Request("http://localhost/", { duplex } as RequestInit);
  } catch {
    throw optionError("duplex", 'must be "half", as fetch asks');
  }
}

/**
 * A Request's body, read once. Firefox has no `Request.body`: there a Request that may carry a
 * body (not GET or HEAD) is read, and an empty one counts as none.
 */
async function requestBody(request: Request): Promise<ArrayBuffer | undefined> {
  if (request.body !== undefined) return request.body ? request.arrayBuffer() : undefined;
  if (request.method === "GET" || request.method === "HEAD") return undefined;
  const bytes = await request.arrayBuffer();
  return bytes.byteLength ? bytes : undefined;
}
