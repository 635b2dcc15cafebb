/**
 * One logical request: normalise the per-request options once, then the retry loop around
 * `runAttempt`. Data flows one way: request() → prepareCall → runCall → runAttempt.
 */
import { check, optionError } from "./option-error.js";
import { closedError, isCloseReason } from "./closer.js";
import { details, readData, runAttempt, type AttemptResult } from "./attempt.js";
import { encodeBody } from "./body.js";
import { passThrough, resolveShared, type ClientConfig, type Shared } from "./config.js";
import { CallContext } from "./context.js";
import { HttpError } from "./errors/http-error.js";
import { NetworkError } from "./errors/network-error.js";
import { TierfetchError } from "./errors/tierfetch-error.js";
import { TimeoutError } from "./errors/timeout-error.js";
import { TOKEN, checkHeader, mergeHeaders } from "./headers.js";
import type { Progress, RequestOptions, RetryContext, TokenOption } from "./options.js";
import { backoffDelay, isRetryable, parseRetryAfter } from "./retry.js";
import { loadLazy } from "./deferred.js";
import { noop, sleep } from "./timeouts.js";
import { appendQuery, isAbsolute, isLoopback, joinUrl, normaliseQuery, shownUrl } from "./url.js";

/** How the body will be consumed: by the caller (`response`) or by a buffered shortcut. */
export type ReadMode = "response" | "json" | "text" | "bytes" | "blob" | "arrayBuffer";

/** A request with every option resolved. */
export interface Call extends Shared {
  config: ClientConfig;
  ctx: CallContext;
  method: string;
  url: string;
  headers: Record<string, string>;
  /** The RequestInit of every attempt; `headers` and `signal` are set per attempt. */
  init: RequestInit & { duplex?: "half" };
  /** False for a body that can be sent only once (a stream): never retried. */
  replayable: boolean;
  token: TokenOption | undefined;
  signal: AbortSignal | undefined;
  /** With the body as given, which each attempt sends again as a counted stream. */
  upload: { body: BodyInit; onProgress: (p: Progress) => void; serialised?: Promise<import("./upload-progress.js").SerialisedBody> } | undefined;
  mode: ReadMode;
  /** Attempts made so far. */
  attempts: number;
}

/** What a call resolves with: the response, and the body when a buffered shortcut read it. */
export interface CallResult {
  response: Response;
  data?: unknown;
}

/** Validates and resolves the options of one request. Throws TypeError naming the option. */
export function prepareCall(config: ClientConfig, method: string, input: string | URL, options: RequestOptions | undefined, mode: ReadMode): Call {
  if (config.closer.closedWith) throw closedError();
  check(typeof method === "string" && TOKEN.test(method), "method", "is not an HTTP method");
  method = method.toUpperCase();
  const o: RequestOptions = options ?? {};
  check(typeof o === "object", "options", "must be an object");
  check(o.signal == null || (typeof o.signal === "object" && "aborted" in o.signal), "signal", "must be an AbortSignal");

  // URL: base + path, then the client's query merged with the request's. A path joined under
  // the base needs no parsing to know its origin; any other URL does.
  const { base } = config;
  const url = appendQuery(joinUrl(base, input), normaliseQuery(o.query, config.query));
  let parsed: URL | undefined;
  if (!base || typeof input !== "string" || isAbsolute(input)) {
    try {
      parsed = new URL(url);
    } catch {
      throw optionError("url", `${shownUrl(input)} is not a valid URL`);
    }
  }

  // Headers: the client's, then the request's (undefined removes a default).
  const headers = mergeHeaders(config.headers, o.headers);
  const init: Call["init"] = passThrough(o, config.init);
  init.method = method;
  const replayable = encodeBody(init, method, o.json, o.body);
  if (o.json !== undefined) headers["content-type"] ??= "application/json";
  if (mode === "json") headers.accept ??= "application/json";

  const key = o.idempotencyKey === true ? randomUUID() : o.idempotencyKey;
  if (key !== undefined) {
    check(key, "idempotencyKey", "must be a non-empty string or true");
    checkHeader("idempotency-key", key, "idempotencyKey");
    headers["idempotency-key"] = key;
  }

  // The token goes only to the base origin, never over plain http to a remote host.
  let token = config.token;
  if (token !== undefined) {
    if ((base && parsed && parsed.origin !== base.origin) || headers.authorization !== undefined) token = undefined;
    else {
      const target = parsed ?? new URL(url);
      if (target.protocol === "http:" && !isLoopback(target.hostname) && !config.allowHttp) {
        throw optionError("token", `is not sent over plain http to ${target.host}: use https, or allowHttp: true`);
      }
    }
  }

  return resolveShared(o, config, config.tiers, {
    config,
    ctx: new CallContext(method, url, headers),
    method,
    url,
    headers,
    init,
    replayable,
    token,
    signal: o.signal ?? undefined,
    upload: uploadOf(o, init),
    mode,
    attempts: 0,
  });
}

function uploadOf(o: RequestOptions, init: Call["init"]): Call["upload"] {
  const onProgress = o.onUploadProgress;
  check(onProgress === undefined || typeof onProgress === "function", "onUploadProgress", "must be a function");
  return onProgress && init.body != null && !init.duplex ? { body: init.body, onProgress } : undefined;
}

/** The retry loop. Resolves with the final response, or rejects with the last attempt's error. */
export async function runCall(call: Call): Promise<CallResult> {
  // A stream upload where fetch would send "[object ReadableStream]" (Firefox) rejects before
  // anything is sent; the probe is loaded with the lazy chunk, as stream uploads are rare.
  if (call.init.duplex && !(await loadLazy()).supportsRequestStreams()) {
    throw optionError("body", "cannot be a ReadableStream: this runtime's fetch cannot stream uploads");
  }
  const { config, ctx, retry: policy, signal } = call;
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
      if (signal?.aborted && e === signal.reason) throw e;
      if (e instanceof TimeoutError) stats.timeouts++;
      else if (e instanceof NetworkError) stats.networkErrors++;
      else throw await finalError(call, e);
      error = e;
    }
    refresh = false;
    let response: Response | undefined;
    let retryAfter: number | undefined;
    if (result) {
      response = result.response;
      if (result.bodyStart === undefined) return result; // an ok status
      const status = response.status;
      stats.httpErrors++;
      if (status === 429) {
        const counts = stats.rateLimitErrors;
        while (counts.length <= index) counts.push(0);
        counts[index]!++;
      }
      if (status === 401 && typeof call.token === "function" && !refreshed && call.replayable) {
        // A stale token: ask for a fresh one and repeat, without spending a retry.
        refreshed = refresh = true;
        discard(response);
        continue;
      }
      error = new HttpError(ctx.request, response, result.bodyStart);
      retryAfter = parseRetryAfter(response.headers);
    }
    ctx.error = error;
    (error as TierfetchError).attempts = call.attempts;

    const canRetry = n < policy.maxRetries && call.replayable;
    let retry = canRetry && isRetryable(policy, call.method, "idempotency-key" in call.headers, response?.status);
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
      for (const hook of call.hooks.beforeRetry) {
        if ((await hook(ctx as unknown as RetryContext)) === false) {
          retry = false;
          break;
        }
      }
    }
    if (!retry) {
      if (response && !call.throwHttpErrors) {
        return { response, data: call.mode === "response" ? undefined : await readData(response, call.mode) };
      }
      throw await finalError(call, error);
    }
    if (response) discard(response);
    stats.retries++;
    n++;
    try {
      await sleep(delay, signal, config.closer);
    } catch (reason) {
      throw isCloseReason(reason) ? closedError(details(call)) : reason;
    }
  }
}

/** Lets `beforeError` hooks replace a TierfetchError; a user's abort reason passes unchanged. */
async function finalError(call: Call, error: unknown): Promise<unknown> {
  if (!(error instanceof TierfetchError)) return error;
  let out: Error = error;
  for (const hook of call.hooks.beforeError) {
    const next = await hook(out, call.ctx);
    if (next instanceof Error) out = next;
  }
  return out;
}

/** Releases the connection of a response nobody will read. */
function discard(response: Response): void {
  if (response.body && !response.bodyUsed) response.body.cancel().catch(noop);
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
  return hex.replace(/(.{8})(.{4})(.{4})(.{4})/, "$1-$2-$3-$4-");
}
