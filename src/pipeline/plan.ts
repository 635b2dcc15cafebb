/**
 * The plan of one call: every option of a request validated and resolved over its client's
 * config, once. No attempt writes into it: each builds its own headers and RequestInit from it.
 */
import { check, optionError } from "../options/option-error.js";
import { closedError } from "../resilience/closer.js";
import { encodeBody, type BodyPlan } from "../http/body.js";
import { resolveShared, type ClientConfig, type Shared } from "../options/config.js";
import { TOKEN, checkHeader, type HeaderRecord } from "../http/headers.js";
import type { RequestOptions, TokenOption } from "../options/options.js";
import { isUploadTracker, type UploadTracker } from "../http/upload-tracker.js";
import { isSecretHeader } from "../security/secret-names.js";
import { hasSecretParam, removesAuthorization, withoutDefaultSecretParams, withoutDefaultSecrets } from "../security/default-credentials.js";
import { bare } from "../options/option-keys.js";
import { isSafeMethod } from "../resilience/retry.js";
import { isBrowser } from "../http/runtime.js";
import { appendQuery, isAbsolute, isLoopback, isPlainPath, joinUrl, shownUrl } from "../http/url.js";

/**
 * How the body will be consumed: by the caller (`response`, and the decoders), by `api.fetch`
 * (`fetch`: every status resolves), or by a buffered shortcut inside the attempt.
 */
export type ReadMode = "response" | "fetch" | "json" | "text" | "bytes" | "blob" | "arrayBuffer";

/** Methods fetch refuses to send. */
const FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);
/** What the shortcuts send: valid, upper case, allowed by fetch (no check needed on each request). */
const COMMON_METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]);

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
  if (!COMMON_METHODS.has(method)) method = checkMethod(config, method, mode);
  const o: RequestOptions = options ?? {};
  check(typeof o === "object" && o !== null, "options", "must be an object");
  // Read one by one: an object rest (`...common`) is a slow path in Node 20's V8, on every request.
  // Own properties only, as every option is read (options parsed from JSON may carry a prototype).
  const fields = ownFields(o);
  const { json, body, signal, idempotencyKey, onUploadProgress, headers: given } = fields;
  checkRequestFields(signal, onUploadProgress, fields.retry);
  const shared = resolveShared(o, config, config.tiers, requestOnly);

  const resolved = resolveUrl(config, input, shared.query);
  const { origin } = resolved;
  const sameOrigin = !config.base || origin === config.base.origin;
  const url = sameOrigin ? resolved.url : otherOriginUrl(config, input, shared.query, fields.query, resolved.url);

  // The request's own headers option made shared.headers a fresh record (mergeHeaders): written
  // into as it is; the client's defaults are copied first.
  const headers = !sameOrigin ? withoutDefaultSecrets(shared.headers, config.headers, given) : shared.headers === config.headers ? copyRecord(config.headers) : shared.headers;
  const bodyPlan = encodeBody(method, json, body);
  if (json !== undefined) headers["content-type"] ??= "application/json";
  if (mode === "json") headers.accept ??= "application/json";

  const key = idempotencyKeyOf(idempotencyKey);
  if (key !== undefined) headers["idempotency-key"] = key;

  // The token is the default Authorization: a request's `authorization: undefined` removes it too.
  const token = sameOrigin && config.token !== undefined && headers.authorization === undefined && !removesAuthorization(given) ? config.token : undefined;
  const hasCredentials = token !== undefined || Object.keys(headers).some(isSecretHeader);
  if (hasCredentials && !config.allowHttp) refuseCleartext(url, token !== undefined);
  const redirect = shared.init.redirect ?? "follow";
  const redirects = isBrowser() ? "fetch" : redirect === "follow" ? "follow" : redirect === "error" ? "refuse" : "fetch";

  // Every field named (no spread): one object shape for every plan, which V8 keeps fast.
  return {
    headers,
    query: shared.query,
    timeout: shared.timeout,
    idleTimeout: shared.idleTimeout,
    retry: shared.retry,
    throwHttpErrors: shared.throwHttpErrors,
    onDownloadProgress: shared.onDownloadProgress,
    hooks: shared.hooks,
    init: shared.init,
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

/** The signal and onUploadProgress of a request (json, body and idempotencyKey are checked as they are encoded). */
function checkRequestFields(signal: unknown, onUploadProgress: unknown, retry: unknown): void {
  check(signal == null || isSignal(signal), "signal", "must be an AbortSignal");
  // One budget per client family: a request may stay out of it (false), not bring its own.
  check(typeof retry !== "object" || retry === null || (retry as { budget?: unknown }).budget === undefined || (retry as { budget?: unknown }).budget === false, "retry.budget", "is client-wide: set it in createClient() or extend(); a request may only turn it off (false)");
  check(onUploadProgress === undefined || isUploadTracker(onUploadProgress), "onUploadProgress", "must be made by trackUpload()");
}

/** The request-only fields, read as own properties: a plain object as it is, anything else through a copy of its own properties. */
function ownFields(o: RequestOptions): RequestOptions {
  const proto = Object.getPrototypeOf(o);
  return proto === Object.prototype || proto === null ? o : Object.assign(bare(), o);
}

/** A copy of a record, key by key (a spread is a slow path in Node 20's V8). */
function copyRecord(record: HeaderRecord): HeaderRecord {
  const out: HeaderRecord = {};
  for (const key in record) out[key] = record[key]!;
  return out;
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

/** The URL of a request (base + path, then the query) and its origin; a URL with credentials is refused. */
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
  if (parsed.username || parsed.password) throw optionError("url", `${shownUrl(url)} must not carry credentials (user:password@): use headers or token`);
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

/** The options only a request has: read by prepareCall itself; any other non-shared key is a client's. */
const REQUEST_ONLY = new Set(["json", "body", "signal", "idempotencyKey", "onUploadProgress"]);
function requestOnly(key: string): void {
  if (!REQUEST_ONLY.has(key)) throw optionError(key, "is a client option: set it in createClient() or extend()");
}

/** An AbortSignal, or anything that behaves as one (a signal from another realm or polyfill). */
function isSignal(value: unknown): boolean {
  const s = value as AbortSignal;
  return typeof s === "object" && typeof s.aborted === "boolean" && typeof s.addEventListener === "function" && typeof s.removeEventListener === "function";
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
