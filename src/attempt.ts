/**
 * One attempt: build the request, send it under a fresh signal (the user's, the client's
 * close() and this attempt's timer, combined here and nowhere else), run the response hooks,
 * read the body when a buffered shortcut asked for it, and classify what went wrong.
 *
 * The hot path allocates one `Attempt` and no closures: the timer gets the attempt as its
 * argument, close() and the user's signal call `abort()`, and a buffered read waits on a
 * promise that `abort()` rejects, so no abort listener is added per attempt.
 */
import type { Call, ReadMode } from "./call.js";
import { isCloseReason } from "./closer.js";
import { NetworkError } from "./errors/network-error.js";
import { TierfetchError } from "./errors/tierfetch-error.js";
import { TimeoutError } from "./errors/timeout-error.js";
import { checkHeader } from "./headers.js";
import { optionError } from "./option-error.js";
import { attemptTimeout, unrefTimer, watchSignals } from "./timeouts.js";
import { readBodyStart, trackBody } from "./tracked-body.js";

/** What an attempt produced: a response judged ok, or one with an error status. */
export interface AttemptResult {
  response: Response;
  ok: boolean;
  /** The body, read inside the attempt for a buffered shortcut (ok responses only). */
  data?: unknown;
  /** The start of an error response's body, for HttpError's message. */
  bodyStart?: string;
}

function noop(): void {}

/** The state of one attempt; `abort()` is what close(), the user's signal and the timers call. */
class Attempt {
  readonly controller = new AbortController();
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** The TimeoutError this attempt's own timers aborted with (a user's reason may be one too). */
  ownTimeout: TimeoutError | undefined = undefined;
  /** Rejects the buffered read in progress, for fetches that do not error a body on abort. */
  rejectRead: ((reason: unknown) => void) | undefined = undefined;
  stopWatching: () => void = noop;
  finished = false;

  constructor(readonly call: Call, readonly ms: number | undefined) {}

  abort(reason: unknown): void {
    this.controller.abort(reason);
    this.rejectRead?.(reason);
  }

  finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.call.config.closer.release(this);
    this.stopWatching();
  }

  /** Turns what went wrong into the error the caller sees. */
  classify(error: unknown): unknown {
    const { signal } = this.controller;
    const call = this.call;
    if (signal.aborted) {
      const reason = signal.reason;
      const own = this.ownTimeout;
      if (own && reason === own) {
        own.request = call.ctx.request;
        own.attempts = call.attempts;
        return own;
      }
      if (isCloseReason(reason)) return closedError(call);
      return reason; // the user's abort: their reason, unchanged
    }
    if (error instanceof TierfetchError) return error;
    return new NetworkError(error, { request: call.ctx.request, attempts: call.attempts });
  }

  /** The body under the attempt's watch: timer until it ends, idle limit, progress. */
  watch(response: Response): Response {
    const call = this.call;
    return trackBody(response, {
      controller: this.controller,
      onEnd: () => this.finish(),
      classify: (e) => this.classify(e),
      idleMs: call.idleTimeout,
      onIdle: () => this.abort((this.ownTimeout = new TimeoutError(call.idleTimeout!, undefined, "idle", { request: call.ctx.request, attempts: call.attempts }))),
      onProgress: call.onDownloadProgress,
    });
  }

  /** Settles with `reading`, or rejects as soon as the attempt is aborted (the body is then cancelled). */
  within<T>(reading: Promise<T>, response: Response): Promise<T> {
    const { signal } = this.controller;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      this.rejectRead = (reason) => {
        reject(reason);
        response.body?.cancel(reason).catch(noop);
      };
      reading.then(resolve, reject);
    });
  }
}

function onTimer(attempt: Attempt): void {
  const { call, ms } = attempt;
  attempt.abort((attempt.ownTimeout = new TimeoutError(ms!, call.tier, "attempt", { request: call.ctx.request, attempts: call.attempts })));
}

/** Runs attempt `n` (0-based retry index, which sets the timeout's growth). */
export async function runAttempt(call: Call, n: number, refreshToken: boolean): Promise<AttemptResult> {
  const { config, ctx } = call;
  const ms = call.timeoutMs === undefined ? undefined : attemptTimeout(call.timeoutMs, n, config.tiers.max);
  const attempt = new Attempt(call, ms);
  const { signal } = attempt.controller;
  config.closer.track(attempt);
  if (call.signal) attempt.stopWatching = watchSignals(call.signal, undefined, (reason) => attempt.abort(reason));
  if (ms !== undefined && !signal.aborted) attempt.timer = setTimeout(onTimer, ms, attempt);
  let network = false;

  try {
    const headers = call.headers;
    if (call.token !== undefined) {
      const token = typeof call.token === "string" ? call.token : await call.token({ refresh: refreshToken });
      if (typeof token !== "string") throw optionError("token", "function must return a string");
      checkHeader("authorization", token, "token");
      headers.authorization = `Bearer ${token}`;
    }
    const init: RequestInit & { duplex?: "half" } = call.init;
    init.headers = headers;
    init.signal = signal;
    if (signal.aborted) throw signal.reason;
    const fetchImpl = config.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== "function") throw optionError("fetch", "is needed: this runtime has no fetch");
    let response: Response | undefined;
    ctx.reset();
    if (config.hooks.beforeRequest.length) {
      ctx.request = new Request(call.url, init);
      for (const hook of config.hooks.beforeRequest) {
        const out = await hook(ctx);
        if (out instanceof Response) {
          response = out;
          break;
        }
        if (out instanceof Request) ctx.request = out;
      }
      if (!response) {
        network = true;
        response = await fetchImpl(ctx.request, { signal });
      }
    } else {
      network = true;
      response = await fetchImpl(call.url, init);
    }
    network = false;
    if (!(response instanceof Response)) throw optionError("fetch", "resolved with no Response");
    if (config.hooks.afterResponse.length) {
      for (const hook of config.hooks.afterResponse) {
        ctx.response = response;
        const out = await hook(ctx as typeof ctx & { response: Response });
        if (out instanceof Response) response = out;
      }
    }
    ctx.response = response;

    network = true; // from here on, a failure is the connection's (or the timer's)
    if (response.status >= 400) {
      const { text, response: readable, complete } = await attempt.within(readBodyStart(response), response);
      if (complete) {
        attempt.finish();
        return { response: readable, ok: false, bodyStart: text };
      }
      // A long error body: whoever reads the rest does so under the attempt's timer, and if
      // nobody does, the timer frees the connection.
      if (attempt.timer !== undefined) unrefTimer(attempt.timer);
      return { response: attempt.watch(readable), ok: false, bodyStart: text };
    }
    const mode = call.mode;
    if (mode === "response") {
      // The caller reads the body: the timer, the idle limit and the signal listeners stay
      // until the body ends, is cancelled or errors.
      if (!response.body) {
        attempt.finish();
        return { response, ok: true };
      }
      if (attempt.timer !== undefined) unrefTimer(attempt.timer);
      return { response: attempt.watch(response), ok: true };
    }
    const watched = call.idleTimeout !== undefined || call.onDownloadProgress !== undefined;
    const data = watched ? await readData(attempt.watch(response), mode) : await attempt.within(readData(response, mode), response);
    attempt.finish();
    return { response, ok: true, data };
  } catch (error) {
    attempt.finish();
    // Bad input and hook errors pass unchanged; what fetch or the body did is classified.
    throw network || signal.aborted ? attempt.classify(error) : error;
  }
}

/** Reads a body for a buffered shortcut. */
export function readData(response: Response, mode: ReadMode): Promise<unknown> {
  switch (mode) {
    case "json":
    case "text":
      return response.text();
    case "blob":
      return response.blob();
    default:
      return response.arrayBuffer();
  }
}

/** The error of a request cut by close(). */
export function closedError(call: Call): TierfetchError {
  return new TierfetchError("the client was closed", "ERR_CLOSED", { request: call.ctx.request, attempts: call.attempts });
}
