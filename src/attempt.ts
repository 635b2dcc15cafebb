/**
 * One attempt: build the request, send it under a fresh signal (the user's, the client's
 * close signal and this attempt's timer, combined), run the response hooks, read the body
 * when a buffered shortcut asked for it, and classify what went wrong.
 */
import { optionError } from "./option-error.js";
import type { Call, ReadMode } from "./call.js";
import { NetworkError } from "./errors/network-error.js";
import { TierfetchError } from "./errors/tierfetch-error.js";
import { TimeoutError } from "./errors/timeout-error.js";
import { isCloseReason } from "./closer.js";
import { checkHeader } from "./headers.js";
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

/** Runs attempt `n` (0-based retry index, which sets the timeout's growth). */
export async function runAttempt(call: Call, n: number, refreshToken: boolean): Promise<AttemptResult> {
  const { config, ctx } = call;
  const controller = new AbortController();
  const signal = controller.signal;
  const ms = call.timeoutMs === undefined ? undefined : attemptTimeout(call.timeoutMs, n, config.tiers.max);
  let timer: ReturnType<typeof setTimeout> | undefined;
  // The one place an attempt's signals meet: close() aborts what is in `inflight`, the user's
  // signal is watched (and unwatched when the attempt ends), the timer aborts with a TimeoutError.
  config.closer.track(controller);
  const stopWatching = call.signal ? watchSignals(call.signal, undefined, (reason) => controller.abort(reason)) : noop;
  if (ms !== undefined && !signal.aborted) {
    timer = setTimeout(() => {
      ownTimeout = new TimeoutError(ms, call.tier, "attempt", { request: ctx.request, attempts: call.attempts });
      controller.abort(ownTimeout);
    }, ms);
  }
  let network = false;
  /** The TimeoutError this attempt's own timers aborted with (a user's reason may be one too). */
  let ownTimeout: TimeoutError | undefined;
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    if (timer !== undefined) clearTimeout(timer);
    config.closer.release(controller);
    stopWatching();
  };
  const classify = (error: unknown): unknown => {
    if (signal.aborted) {
      const reason = signal.reason;
      if (reason === ownTimeout && ownTimeout) {
        ownTimeout.request = ctx.request;
        ownTimeout.attempts = call.attempts;
        return ownTimeout;
      }
      if (isCloseReason(reason)) return closedError(call);
      return reason; // the user's abort: their reason, unchanged
    }
    if (error instanceof TierfetchError) return error;
    return new NetworkError(error, { request: ctx.request, attempts: call.attempts });
  };

  try {
    const headers = call.headers;
    if (call.token !== undefined) {
      const token = typeof call.token === "string" ? call.token : await call.token({ refresh: refreshToken });
      if (typeof token !== "string") throw optionError("token", "function must return a string");
      checkHeader("authorization", token, "token");
      headers.authorization = `Bearer ${token}`;
    }
    const init: RequestInit & { duplex?: "half" } = { ...config.init, ...call.init, method: call.method, headers, signal };
    if (call.body.body !== undefined) {
      init.body = call.body.body;
      if (call.body.stream) init.duplex = "half";
    }
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
      const { text, response: readable, complete } = await readWithin(readBodyStart(response), signal, response);
      if (complete) {
        finish();
        return { response: readable, ok: false, bodyStart: text };
      }
      // A long error body: whoever reads the rest does so under the attempt's timer, and if
      // nobody does, the timer frees the connection.
      if (timer !== undefined) unrefTimer(timer);
      return { response: watch(readable), ok: false, bodyStart: text };
    }
    const mode = call.mode;
    const watched = call.idleTimeout !== undefined || call.onDownloadProgress !== undefined;
    if (mode === "response") {
      // The caller reads the body: the timer, the idle limit and the signal listeners stay
      // until the body ends, is cancelled or errors.
      if (!response.body) {
        finish();
        return { response, ok: true };
      }
      if (timer !== undefined) unrefTimer(timer);
      return { response: watch(response), ok: true };
    }
    const data = watched ? await readData(watch(response), mode) : await readWithin(readData(response, mode), signal, response);
    finish();
    return { response, ok: true, data };
  } catch (error) {
    finish();
    // Bad input and hook errors pass unchanged; what fetch or the body did is classified.
    throw network || signal.aborted ? classify(error) : error;
  }

  function watch(response: Response): Response {
    return trackBody(response, {
      controller,
      onEnd: finish,
      classify,
      idleMs: call.idleTimeout,
      onIdle: () => controller.abort((ownTimeout = new TimeoutError(call.idleTimeout!, undefined, "idle", { request: ctx.request, attempts: call.attempts }))),
      onProgress: call.onDownloadProgress,
    });
  }
}

function noop(): void {}

/**
 * Settles with `reading`, or rejects with the signal's reason as soon as it aborts, even when a
 * fetch (a mock, a polyfill) does not error its body on abort; the body is then cancelled.
 */
function readWithin<T>(reading: Promise<T>, signal: AbortSignal, response: Response): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      reject(signal.reason);
      response.body?.cancel(signal.reason).catch(noop);
    };
    signal.addEventListener("abort", onAbort);
    reading.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
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
