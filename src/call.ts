/**
 * One logical request: normalise the per-request options once, then the retry loop around
 * `runAttempt`. Data flows one way: request() → prepareCall → runCall → runAttempt.
 */
import { check, optionError } from "./option-error.js";
import { isCloseReason } from "./closer.js";
import { closedError, readData, runAttempt, type AttemptResult } from "./attempt.js";
import { encodeBody, type EncodedBody } from "./body.js";
import { appendHooks, passThrough, type ClientConfig } from "./config.js";
import { CallContext } from "./context.js";
import { HttpError } from "./errors/http-error.js";
import { NetworkError } from "./errors/network-error.js";
import { TierfetchError } from "./errors/tierfetch-error.js";
import { TimeoutError } from "./errors/timeout-error.js";
import { checkHeader, finalHeaders, mergeHeaders } from "./headers.js";
import type { Progress, RequestOptions, RetryContext, TokenOption } from "./options.js";
import { backoffDelay, isRetryable, parseRetryAfter, resolveRetry, type RetryPolicy } from "./retry.js";
import { durationOption, resolveTimeout, sleep } from "./timeouts.js";
import { redactUrl } from "./redact.js";
import { appendQuery, isLoopback, joinUrl } from "./url.js";

/** How the body will be consumed: by the caller (`response`) or by a buffered shortcut. */
export type ReadMode = "response" | "json" | "text" | "bytes" | "blob" | "arrayBuffer";

/** A request with every option resolved. */
export interface Call {
  config: ClientConfig;
  ctx: CallContext;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: EncodedBody;
  /** The RequestInit of every attempt; `headers` and `signal` are set per attempt. */
  init: RequestInit & { duplex?: "half" };
  token: TokenOption | undefined;
  timeoutMs: number | undefined;
  tier: string | undefined;
  idleTimeout: number | undefined;
  retry: RetryPolicy;
  signal: AbortSignal | undefined;
  throwHttpErrors: boolean;
  onDownloadProgress: ((p: Progress) => void) | undefined;
  hasIdempotencyKey: boolean;
  mode: ReadMode;
  /** Attempts made so far. */
  attempts: number;
}

/** What a call resolves with: the response, and the body when a buffered shortcut read it. */
export interface CallResult {
  response: Response;
  data?: unknown;
}

const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Validates and resolves the options of one request. Throws TypeError naming the option. */
export function prepareCall(config: ClientConfig, method: string, input: string | URL, options: RequestOptions | undefined, mode: ReadMode): Call {
  if (config.closer.closedWith) throw new TierfetchError("the client was closed", "ERR_CLOSED");
  check(typeof method === "string" && METHOD.test(method), "method", "is not an HTTP method");
  method = method.toUpperCase();
  const o: RequestOptions = options ?? {};
  check(typeof o === "object", "options", "must be an object");
  check(o.signal == null || (typeof o.signal === "object" && "aborted" in o.signal), "signal", "must be an AbortSignal");

  // URL: base + path, then the client's query merged with the request's.
  let url = joinUrl(config.base, input);
  url = appendQuery(url, config.query, o.query);
  // A URL joined under the base needs no parsing to know its origin; any other URL does.
  let parsed: URL | undefined;
  if (!config.base || !underBase(url, config.base.href)) {
    try {
      parsed = new URL(url);
    } catch {
      throw new TypeError(`Invalid URL ${JSON.stringify(redactUrl(String(input)))}`);
    }
  }

  // Headers: the client's, then the request's (undefined removes a default).
  const record = o.headers === undefined ? config.headers : mergeHeaders(config.headers, o.headers);
  const headers = finalHeaders(record);
  const body = encodeBody(method, o.json, o.body);
  if (body.contentType && headers["content-type"] === undefined) headers["content-type"] = body.contentType;
  if (mode === "json" && headers.accept === undefined) headers.accept = "application/json";

  let hasIdempotencyKey = false;
  if (o.idempotencyKey !== undefined) {
    const key = o.idempotencyKey === true ? randomUUID() : o.idempotencyKey;
    check(typeof key === "string" && key, "idempotencyKey", "must be a non-empty string or true");
    checkHeader("idempotency-key", key, "idempotencyKey");
    headers["idempotency-key"] = key;
    hasIdempotencyKey = true;
  } else if (headers["idempotency-key"] !== undefined) hasIdempotencyKey = true;

  // The token goes only to the base origin, never over plain http to a remote host.
  let token = config.token;
  if (token !== undefined) {
    const sameOrigin = !config.base || (parsed ? parsed.origin === config.base.origin : true);
    if (!sameOrigin || headers.authorization !== undefined) token = undefined;
    else {
      const target = parsed ?? new URL(url);
      if (target.protocol === "http:" && !isLoopback(target.hostname) && !config.allowHttp) {
        throw optionError("token", `is not sent over plain http to ${target.host}: use https, or allowHttp: true`);
      }
    }
  }

  const timeout = resolveTimeout(o.timeout ?? config.timeout, config.tiers);
  check(o.onDownloadProgress === undefined || typeof o.onDownloadProgress === "function", "onDownloadProgress", "must be a function");
  const hooks = o.hooks === undefined ? undefined : appendHooks(config.hooks, o.hooks);
  const cfg = hooks ? { ...config, hooks } : config;

  const call: Call = {
    config: cfg,
    ctx: undefined as unknown as CallContext,
    method,
    url,
    headers,
    body,
    init: initFor(method, body, passThrough(o, config.init)),
    token,
    timeoutMs: timeout.ms,
    tier: timeout.tier,
    idleTimeout: o.idleTimeout === undefined ? config.idleTimeout : durationOption("idleTimeout", o.idleTimeout),
    retry: o.retry === undefined ? config.retry : resolveRetry(o.retry, config.retry),
    signal: o.signal ?? undefined,
    throwHttpErrors: o.throwHttpErrors ?? config.throwHttpErrors,
    onDownloadProgress: o.onDownloadProgress ?? config.onDownloadProgress,
    hasIdempotencyKey,
    mode,
    attempts: 0,
  };
  call.ctx = new CallContext(method, url, headers);
  return call;
}

function initFor(method: string, body: EncodedBody, pass: Record<string, unknown>): RequestInit & { duplex?: "half" } {
  const init: RequestInit & { duplex?: "half" } = { ...pass, method };
  if (body.body !== undefined) {
    init.body = body.body as BodyInit;
    if (body.stream) init.duplex = "half";
  }
  return init;
}

function underBase(url: string, base: string): boolean {
  if (!url.startsWith(base)) return false;
  const next = url.charCodeAt(base.length);
  return next === 47 /* / */ || next === 63 /* ? */ || next === 35 /* # */ || Number.isNaN(next);
}

/** The retry loop. Resolves with the final response, or rejects with the last attempt's error. */
export async function runCall(call: Call): Promise<CallResult> {
  const { config, ctx, retry: policy } = call;
  const stats = config.stats;
  stats.calls++;
  config.budget?.recordCall();
  const started = Date.now();
  let n = 0; // retries made: sets the timeout's growth and the backoff
  let refreshed = false;
  let refresh = false;
  for (;;) {
    const index = call.attempts++;
    ctx.attempt = index;
    ctx.retryCount = n;
    stats.requests++;
    let result: AttemptResult | undefined;
    let error: unknown;
    try {
      result = await runAttempt(call, n, refresh);
    } catch (e) {
      // The user's abort ends the call at once with their reason, whatever it is.
      if (call.signal?.aborted && e === call.signal.reason) throw e;
      if (e instanceof TimeoutError) stats.timeouts++;
      else if (e instanceof NetworkError) stats.networkErrors++;
      else throw await finalError(call, e);
      error = e;
    }
    refresh = false;
    if (result?.ok) return result;

    let response: Response | undefined;
    let retryAfter: number | undefined;
    if (result) {
      response = result.response;
      const status = response.status;
      stats.httpErrors++;
      if (status === 429) {
        const counts = stats.rateLimitErrors;
        while (counts.length <= index) counts.push(0);
        counts[index]!++;
      }
      if (status === 401 && typeof call.token === "function" && !refreshed && call.body.replayable) {
        // A stale token: ask for a fresh one and repeat, without spending a retry.
        refreshed = refresh = true;
        discard(response);
        continue;
      }
      error = new HttpError(ctx.request, response, result.bodyStart ?? "", { attempts: call.attempts });
      retryAfter = parseRetryAfter(response.headers);
    }
    ctx.error = error;
    (error as TierfetchError).attempts = call.attempts;

    const canRetry = n < policy.maxRetries && call.body.replayable;
    let retry = canRetry && isRetryable(policy, call.method, call.hasIdempotencyKey, response?.status);
    const delay = retryAfter === undefined ? backoffDelay(policy, n) : Math.max(policy.minDelay, retryAfter);
    ctx.delay = delay;
    ctx.retryAfter = retryAfter;
    if (canRetry && policy.shouldRetry) {
      const decided = policy.shouldRetry(ctx as unknown as RetryContext);
      if (decided !== undefined) retry = decided;
    }
    // No retry starts past the deadline; a server asking us to wait past it ends the call now.
    if (retry && Date.now() + delay - started > policy.deadline) retry = false;
    if (retry && config.budget && !config.budget.tryRetry()) {
      retry = false;
      (error as TierfetchError).budgetExhausted = true;
      stats.budgetExhausted++;
    }
    if (retry) {
      for (const hook of config.hooks.beforeRetry) {
        if ((await hook(ctx as unknown as RetryContext)) === false) {
          retry = false;
          break;
        }
      }
    }
    if (!retry) {
      if (result && !call.throwHttpErrors) {
        const data = call.mode === "response" ? undefined : await readData(result.response, call.mode);
        return { response: result.response, data };
      }
      throw await finalError(call, error);
    }
    if (response) discard(response);
    stats.retries++;
    n++;
    try {
      await sleep(delay, call.signal, config.closer);
    } catch (reason) {
      throw isCloseReason(reason) ? closedError(call) : reason;
    }
  }
}

/** Lets `beforeError` hooks replace a TierfetchError; a user's abort reason passes unchanged. */
async function finalError(call: Call, error: unknown): Promise<unknown> {
  const hooks = call.config.hooks.beforeError;
  if (!hooks.length || !(error instanceof TierfetchError)) return error;
  let out: Error = error;
  for (const hook of hooks) {
    const next = await hook(out, call.ctx);
    if (next instanceof Error) out = next;
  }
  return out;
}

/** Releases the connection of a response nobody will read. */
function discard(response: Response): void {
  if (response.body && !response.bodyUsed) response.body.cancel().catch(() => {});
}

/** A random UUID v4, with a fallback where `crypto.randomUUID` is missing. */
function randomUUID(): string {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c?.getRandomValues) c.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
