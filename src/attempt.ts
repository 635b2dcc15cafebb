/**
 * One attempt: build the request, send it under a fresh signal (the user's, the client's
 * close() and this attempt's timer, combined here and nowhere else), run the response hooks,
 * read the body when a buffered shortcut asked for it, and classify what went wrong.
 *
 * The hot path allocates one `Attempt` and no closures: the timer gets the attempt as its
 * argument, close() and the user's signal call `abort()`, and a read in progress (buffered, or a
 * watched body) is ended through the `onAbort` slot that `abort()` calls, so no abort listener is
 * added per attempt.
 */
import type { Call, ReadMode } from "./call.js";
import { isCloseReason, type Abortable } from "./closer.js";
import type { ErrorDetails } from "./errors/tierfetch-error.js";
import { NetworkError } from "./errors/network-error.js";
import { TierfetchError } from "./errors/tierfetch-error.js";
import { TimeoutError, type TimeoutKind } from "./errors/timeout-error.js";
import { checkHeader } from "./headers.js";
import { optionError } from "./option-error.js";
import { attemptTimeout, noop, unrefTimer, watchSignal } from "./timeouts.js";
import { readHead, rebuildResponse, trackBody, type BodyWatch } from "./tracked-body.js";

/** What an attempt produced: a response with an ok status, or one with an error status. */
export interface AttemptResult {
  response: Response;
  /** The body, read inside the attempt for a buffered shortcut (ok responses only). */
  data?: unknown;
  /** Set for an error status: the start of its body, for HttpError's message. */
  bodyStart?: string;
}

/** The state of one attempt; `abort()` is what close(), the user's signal and the timers call. */
class Attempt implements BodyWatch, Abortable {
  readonly controller = new AbortController();
  timer: ReturnType<typeof setTimeout> | undefined;
  /** The TimeoutError this attempt's own timers aborted with (a user's reason may be one too). */
  ownTimeout: TimeoutError | undefined;
  onAbort: ((reason: unknown) => void) | undefined;
  stopWatching = noop;
  finished = false;
  readonly call: Call;
  readonly ms: number | undefined;

  constructor(call: Call, ms: number | undefined) {
    this.call = call;
    this.ms = ms;
  }

  abort(reason: unknown): void {
    this.controller.abort(reason);
    this.onAbort?.(reason);
  }

  idle(): void {
    timeOut(this, "idle");
  }

  finish(): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
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
      // The user's abort: their reason, unchanged.
      return isCloseReason(reason) ? closedError(call) : reason;
    }
    return error instanceof TierfetchError ? error : new NetworkError(error, details(call));
  }

  /** Settles with `reading`, or rejects as soon as the attempt is aborted (`source` is then cancelled). */
  within<T>(reading: Promise<T>, source?: { cancel(reason?: unknown): Promise<void> } | null): Promise<T> {
    const { signal } = this.controller;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      this.onAbort = (reason) => {
        reject(reason);
        source?.cancel(reason).catch(noop);
      };
      reading.then(resolve, reject);
    });
  }
}

/** Aborts the attempt with its own TimeoutError: the whole attempt's timer (the default), or the idle gap. */
function timeOut(attempt: Attempt, kind: TimeoutKind = "attempt"): void {
  const { call } = attempt;
  const idle = kind === "idle";
  attempt.abort((attempt.ownTimeout = new TimeoutError(idle ? call.idleTimeout! : attempt.ms!, idle ? undefined : call.timeout.tier, kind, details(call))));
}

/** Runs attempt `n` (0-based retry index, which sets the timeout's growth). */
export async function runAttempt(call: Call, n: number, refreshToken: boolean): Promise<AttemptResult> {
  const { config, ctx, hooks } = call;
  const t = call.timeout.ms;
  const ms = t === undefined ? undefined : attemptTimeout(t, n, config.tiers.max);
  const attempt = new Attempt(call, ms);
  const { signal } = attempt.controller;
  config.closer.track(attempt);
  if (call.signal) attempt.stopWatching = watchSignal(call.signal, (reason) => attempt.abort(reason));
  if (ms !== undefined && !signal.aborted) attempt.timer = setTimeout(timeOut, ms, attempt);
  let network = false;

  try {
    const init = call.init;
    if (call.token !== undefined) {
      const token = typeof call.token === "string" ? call.token : await call.token({ refresh: refreshToken });
      if (typeof token !== "string") throw optionError("token", "function must return a string");
      checkHeader("authorization", token, "token");
      call.headers.authorization = `Bearer ${token}`;
    }
    init.headers = call.headers;
    init.signal = signal;
    if (signal.aborted) throw signal.reason;
    const fetchImpl = config.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== "function") throw optionError("fetch", "is needed: this runtime has no fetch");
    let response: Response | undefined;
    ctx.reset();
    if (hooks.beforeRequest.length) {
      ctx.request = new Request(call.url, init);
      for (const hook of hooks.beforeRequest) {
        const out = await hook(ctx);
        if (out instanceof Response) {
          response = out;
          break;
        }
        if (out instanceof Request) ctx.request = out;
      }
    }
    network = true;
    response ??= await (hooks.beforeRequest.length ? fetchImpl(ctx.request, { signal }) : fetchImpl(call.url, init));
    network = false;
    if (!(response instanceof Response)) throw optionError("fetch", "resolved with no Response");
    for (const hook of hooks.afterResponse) {
      ctx.response = response;
      const out = await hook(ctx as typeof ctx & { response: Response });
      if (out instanceof Response) response = out;
    }
    ctx.response = response;

    network = true; // from here on, a failure is the connection's (or the timer's)
    if (response.status >= 400) {
      const reader = response.body?.getReader();
      if (!reader) {
        attempt.finish();
        return { response, bodyStart: "" };
      }
      const { head, done } = await attempt.within(readHead(reader), reader);
      const blob = new Blob(head as BlobPart[]);
      const bodyStart = await blob.slice(0, 1024).text();
      if (done) {
        attempt.finish();
        return { response: rebuildResponse(response, blob), bodyStart };
      }
      // A long error body: whoever reads the rest does so under the attempt's timer, and if
      // nobody does, the timer frees the connection.
      unrefTimer(attempt.timer);
      return { response: trackBody(response, attempt, reader, head), bodyStart };
    }
    const mode = call.mode;
    if (mode === "response") {
      // The caller reads the body: the timer, the idle limit and the signal listener stay
      // until the body ends, is cancelled or errors.
      unrefTimer(attempt.timer);
      return { response: trackBody(response, attempt) };
    }
    const watched = call.idleTimeout !== undefined || call.onDownloadProgress !== undefined;
    const data = await (watched ? readData(trackBody(response, attempt), mode) : attempt.within(readData(response, mode), response.body));
    attempt.finish();
    return { response, data };
  } catch (error) {
    attempt.finish();
    // Bad input and hook errors pass unchanged; what fetch or the body did is classified.
    throw network || signal.aborted ? attempt.classify(error) : error;
  }
}

/** Reads a body for a buffered shortcut (`json` as text, parsed by the caller; `bytes` as an ArrayBuffer). */
export function readData(response: Response, mode: ReadMode): Promise<unknown> {
  return mode === "blob" ? response.blob() : mode === "json" || mode === "text" ? response.text() : response.arrayBuffer();
}

/** Where a call stands, for its errors. */
function details(call: Call): ErrorDetails {
  return { request: call.ctx.request, attempts: call.attempts };
}

/** The error of a request cut by close(). */
export function closedError(call: Call): TierfetchError {
  return new TierfetchError("the client was closed", "ERR_CLOSED", details(call));
}
