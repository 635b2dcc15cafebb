/**
 * The plan of one call: every option of a request validated and resolved over its client's
 * config, once. No attempt writes into it: each builds its own headers and RequestInit from it.
 */
import { check, optionError } from "../options/option-error.js";
import { closedError } from "../resilience/closer.js";
import { encodeBody, type BodyPlan } from "../http/body.js";
import type { ClientConfig, Shared } from "../options/config.js";
import { applyOptions } from "../options/option-table.js";
import { TOKEN, checkHeader, mergeHeaders, type HeaderRecord } from "../http/headers.js";
import type { RequestOptions, TokenOption } from "../options/options.js";
import type { UploadTracker } from "../http/upload-tracker.js";
import { isSecretHeader } from "../security/secret-names.js";
import { hasSecretParam, removesAuthorization, withoutDefaultSecretParams, withoutDefaultSecrets } from "../security/default-credentials.js";
import { own } from "../options/option-keys.js";
import { isSafeMethod } from "../resilience/retry.js";
import { IN_BROWSER } from "../http/runtime.js";
import { appendQuery, isAbsolute, isLoopback, isPlainPath, joinUrl, shownUrl } from "../http/url.js";

/**
 * How the body will be consumed: by the caller (`response`, and the decoders), by `api.fetch`
 * (`fetch`: every status resolves), or by a buffered shortcut inside the attempt.
 */
export type ReadMode = "response" | "fetch" | "json" | "text" | "bytes" | "blob" | "arrayBuffer";

/** Methods fetch refuses to send. */
const FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);
/** The methods fetch upper-cases; it sends any other as given (`patch` stays `patch`). */
const FETCH_NORMALISED = new Set(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"]);

/**
 * Any other method: validated, upper-cased (by api.fetch only where fetch does); one fetch
 * refuses is refused here (a custom fetch may send it), never retried.
 */
function checkMethod(config: ClientConfig, method: string, mode: ReadMode): string {
  check(typeof method === "string" && TOKEN.test(method), "method", "is not an HTTP method");
  const upper = method.toUpperCase();
  if (config.fetch === undefined && FORBIDDEN_METHODS.has(upper)) throw optionError("method", `${upper} is forbidden by fetch: pass a fetch that sends it`);
  return mode !== "fetch" || FETCH_NORMALISED.has(upper) ? upper : method;
}

/** A request with every option resolved. */
export interface CallPlan extends Readonly<Shared> {
  readonly config: ClientConfig;
  readonly method: string;
  readonly url: string;
  /** The headers every attempt starts from (no Authorization from the token: added per attempt). */
  readonly headers: Readonly<HeaderRecord>;
  readonly body: BodyPlan;
  /** Whether a retry cannot cause harm: a safe method, or an idempotency key. */
  readonly idempotent: boolean;
  /** The token, when this request may carry it (its origin is the base's). */
  readonly token: TokenOption | undefined;
  /** The origin credentials may go to; a redirect elsewhere drops them. */
  readonly credentialOrigin: string;
  /** Whether the request carries credentials (token, secret-named headers): a redirect to plain http is refused then. */
  readonly hasCredentials: boolean;
  readonly signal: AbortSignal | undefined;
  readonly onUploadProgress: UploadTracker | undefined;
  /** Whether the client follows redirects itself (fetch would otherwise; browsers always do). */
  /**
   * Who handles a redirect: the client follows it (`follow`) or refuses it as a RedirectError
   * (`refuse`, for `redirect: "error"`: never a retried network error), sending with
   * `redirect: "manual"` to see it; or fetch does (`fetch`: browsers, `redirect: "manual"`).
   */
  readonly redirects: "follow" | "refuse" | "fetch";
  readonly mode: ReadMode;
}

/** Validates and resolves the options of one request. Throws a TypeError naming the option. */
export function prepareCall(config: ClientConfig, method: string, input: string | URL, options: RequestOptions | undefined, mode: ReadMode): CallPlan {
  if (config.closer.closedWith) throw closedError();
  // What the shortcuts send (these and PATCH) is valid, upper case and allowed by fetch: no check needed.
  if (!FETCH_NORMALISED.has(method) && method !== "PATCH") method = checkMethod(config, method, mode);
  const o = resolveRequest(config, options);
  const { json, body, signal, idempotencyKey, onUploadProgress } = o;
  const given = options != null ? (own(options, "headers") as RequestOptions["headers"]) : undefined;

  const resolved = resolveUrl(config, input, o.query);
  const { origin } = resolved;
  const sameOrigin = !config.base || origin === config.base.origin;
  const url = sameOrigin ? resolved.url : otherOriginUrl(config, input, o.query, options != null ? (own(options, "query") as RequestOptions["query"]) : undefined, resolved.url);

  // The request's own headers option made o.headers a fresh record (mergeHeaders): written
  // into as it is; the client's defaults are copied first (mergeHeaders of nothing: a copy).
  const headers = !sameOrigin ? withoutDefaultSecrets(o.headers, config.headers, given) : o.headers === config.headers ? mergeHeaders(config.headers, undefined) : o.headers;
  const bodyPlan = encodeBody(method, json, body);
  if (json !== undefined) headers["content-type"] ??= "application/json";
  if (mode === "json") headers.accept ??= "application/json";

  const key = idempotencyKeyOf(idempotencyKey);
  if (key !== undefined) headers["idempotency-key"] = key;

  // The token is the default Authorization: a request's `authorization: undefined` removes it too.
  const token = sameOrigin && config.token !== undefined && headers.authorization === undefined && !removesAuthorization(given) ? config.token : undefined;
  const hasCredentials = token !== undefined || Object.keys(headers).some(isSecretHeader);
  if (hasCredentials && !config.allowHttp) refuseCleartext(url, token !== undefined);
  const redirect = o.init.redirect ?? "follow";
  const redirects = IN_BROWSER ? "fetch" : redirect === "follow" ? "follow" : redirect === "error" ? "refuse" : "fetch";

  // Every field named (no spread): one object shape for every plan, which V8 keeps fast.
  return {
    headers,
    query: o.query,
    timeout: o.timeout,
    idleTimeout: o.idleTimeout,
    retry: o.retry,
    throwHttpErrors: o.throwHttpErrors,
    onDownloadProgress: o.onDownloadProgress,
    hooks: o.hooks,
    init: o.init,
    config,
    method,
    url,
    body: bodyPlan,
    idempotent: key !== undefined || "idempotency-key" in headers || isSafeMethod(method),
    token,
    credentialOrigin: origin ?? "",
    hasCredentials,
    signal: signal ?? undefined,
    onUploadProgress: bodyPlan.body !== undefined && !bodyPlan.stream ? onUploadProgress : undefined,
    redirects,
    mode,
  };
}

/** A request's own options and what it inherits. */
type RequestValues = Shared & Pick<RequestOptions, "json" | "body" | "signal" | "idempotencyKey" | "onUploadProgress">;

/**
 * The client's values with each option of the request resolved over its own by the option table
 * (every field named: one object shape for every request, which V8 keeps fast).
 */
function resolveRequest(config: ClientConfig, options: RequestOptions | undefined): RequestValues {
  const o: RequestValues = {
    headers: config.headers,
    query: config.query,
    timeout: config.timeout,
    idleTimeout: config.idleTimeout,
    retry: config.retry,
    throwHttpErrors: config.throwHttpErrors,
    onDownloadProgress: config.onDownloadProgress,
    hooks: config.hooks,
    init: config.init,
    json: undefined,
    body: undefined,
    signal: undefined,
    idempotencyKey: undefined,
    onUploadProgress: undefined,
  };
  if (options != null) applyOptions(options, o, config, true);
  return o;
}

/** A URL for another origin than the base's: without the client's secret-named default parameters (api_key=...), which go to the base origin only, as its token does. */
function otherOriginUrl(config: ClientConfig, input: string | URL, query: Shared["query"], given: RequestOptions["query"], url: string): string {
  if (!hasSecretParam(config.query)) return url;
  return resolveUrl(config, input, withoutDefaultSecretParams(query, config.query, given)).url;
}

/** Credentials never go over plain http to a host that is not loopback (unless allowHttp). */
function refuseCleartext(url: string, token: boolean): void {
  const target = new URL(url);
  if (target.protocol === "http:" && !isLoopback(target.hostname)) {
    throw optionError(token ? "token" : "headers", `credentials are not sent over plain http to ${target.host}: use https, or allowHttp: true`);
  }
}

/** The URL of a request (base + path, then the query) and its origin (joinUrl has refused a URL with credentials). */
function resolveUrl(config: ClientConfig, input: string | URL, query: Shared["query"]): { url: string; origin: string | undefined } {
  const { base } = config;
  const url = appendQuery(joinUrl(base, input), query);
  // A path joined under the base needs no parsing to know its origin; any other URL does.
  if (base && typeof input === "string" && (isPlainPath(input) || !isAbsolute(input))) return { url, origin: base.origin };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw optionError("url", `${shownUrl(input)} is not a valid URL`);
  }
  // The runtime's fetch sends these schemes only (a custom fetch may know others).
  if (!config.fetch && !/^(?:https?|data|blob):$/.test(parsed.protocol)) throw optionError("url", `${shownUrl(url)} has a scheme fetch cannot send (${parsed.protocol}): use http: or https:`);
  return { url, origin: parsed.origin };
}

/** The Idempotency-Key of `idempotencyKey` (true: a random UUID), validated. */
function idempotencyKeyOf(option: RequestOptions["idempotencyKey"]): string | undefined {
  const key = option === true ? randomUUID() : option;
  if (key === undefined) return undefined;
  check(typeof key === "string" && key, "idempotencyKey", "must be a non-empty string or true");
  checkHeader("idempotency-key", key, "idempotencyKey");
  return key;
}

/**
 * A random UUID v4, also where `crypto.randomUUID` is missing (an insecure browser context) or
 * `crypto` itself is (Node 18).
 */
function randomUUID(): string {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  const bytes = new Uint8Array(16).map(() => Math.random() * 256);
  c?.getRandomValues(bytes);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => (b + 256).toString(16).slice(1)).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
