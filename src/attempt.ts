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
import { closedError, isCloseReason, type Abortable } from "./closer.js";
import { NetworkError } from "./errors/network-error.js";
import { TierfetchError, type ErrorDetails } from "./errors/tierfetch-error.js";
import { TimeoutError, type TimeoutKind } from "./errors/timeout-error.js";
import { loadLazy } from "./deferred.js";
import { checkHeader } from "./headers.js";
import { optionError } from "./option-error.js";
import { attemptTimeout, noop, unrefTimer, watchSignal } from "./timeouts.js";
import { readHead, rebuildResponse, replay, trackBody, type BodyWatch } from "./tracked-body.js";

/** What an attempt produced: a response with an ok status, or one with an error status. */
export interface AttemptResult {
  response: Response;
  /** The body, read inside the attempt for a buffered shortcut (ok responses only). */
  data?: unknown;
  /** Set for an error status: the start of its body, for HttpError's message. */
  bodyStart?: string;
}

const onTimer = (attempt: Attempt) => attempt.expire("attempt");

/** One attempt's state; `abort()` is what close(), the user's signal and the timers call. */
class Attempt implements BodyWatch, Abortable {
  readonly controller = new AbortController();
  onAbort: ((reason: unknown) => void) | undefined;
  readonly call: Call;
  readonly #ms: number | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The TimeoutError this attempt's own timers aborted with (a user's reason may be one too). */
  #own: TimeoutError | undefined;
  #stopWatching = noop;
  #finished = false;

  /** Starts attempt `n` (0-based retry index, which sets the timeout's growth): its timer and signal watch. */
  constructor(call: Call, n: number) {
    this.call = call;
    const { config, signal } = call;
    const t = call.timeout.ms;
    const ms = (this.#ms = t === undefined ? undefined : attemptTimeout(t, n, config.tiers.max));
    config.closer.track(this);
    if (signal) this.#stopWatching = watchSignal(signal, (reason) => this.abort(reason));
    if (ms !== undefined && !this.controller.signal.aborted) this.#timer = setTimeout(onTimer, ms, this);
  }

  abort(reason: unknown): void {
    this.controller.abort(reason);
    this.onAbort?.(reason);
  }

  /** Aborts with this attempt's own TimeoutError: the whole attempt's, or the idle gap's. */
  expire(kind: TimeoutKind): void {
    const { call } = this;
    const idle = kind === "idle";
    this.abort((this.#own = new TimeoutError(idle ? call.idleTimeout! : this.#ms!, idle ? undefined : call.timeout.tier, kind, details(call))));
  }

  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    clearTimeout(this.#timer);
    this.call.config.closer.release(this);
    this.#stopWatching();
  }

  /** Turns what went wrong into the error the caller sees. */
  classify(error: unknown): unknown {
    const { signal } = this.controller;
    const call = this.call;
    if (signal.aborted) {
      const reason = signal.reason;
      const own = this.#own;
      if (own && reason === own) {
        own.request = call.ctx.request;
        own.attempts = call.attempts;
        return own;
      }
      // The user's abort: their reason, unchanged.
      return isCloseReason(reason) ? closedError(details(call)) : reason;
    }
    return error instanceof TierfetchError ? error : new NetworkError(error, details(call));
  }

  /** Sends the request, runs the response hooks and reads what the call's mode asks for. */
  async run(refreshToken: boolean): Promise<AttemptResult> {
    const { call } = this;
    const { config, ctx, hooks, init, token } = call;
    const { signal } = this.controller;
    let network = false;
    try {
      if (token !== undefined) {
        const value = typeof token === "string" ? token : await token({ refresh: refreshToken });
        checkHeader("authorization", value, "token");
        call.headers.authorization = `Bearer ${value}`;
      }
      init.headers = call.headers;
      init.signal = signal;
      const uploaded = call.upload && (await countUpload(call));
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
      if (uploaded !== true && uploaded !== undefined) call.upload!.onProgress({ loaded: uploaded, total: uploaded, percent: 100 });
      for (const hook of hooks.afterResponse) {
        ctx.response = response;
        const out = await hook(ctx as typeof ctx & { response: Response });
        if (out instanceof Response) response = out;
      }
      ctx.response = response;

      network = true; // from here on, a failure is the connection's (or the timer's)
      const mode = call.mode;
      if (mode === "response" || response.status >= 400) {
        // The caller reads the body: the timer (no longer keeping a process alive), the idle
        // limit and the signal watch stay until it ends, is cancelled or errors.
        unrefTimer(this.#timer);
        const watched = trackBody(response, this);
        if (response.status < 400) return { response: watched };
        // An error status: the start of the body for HttpError's message, read from the body
        // itself and handed on in a Response that replays it before the rest. No clone: a tee
        // branch nobody reads pins memory and makes Workers warn (ky #569). A short body is
        // then all read, and the attempt done.
        const reader = watched.body?.getReader();
        let bodyStart = "";
        let out = watched;
        if (reader) {
          const { head, done } = await readHead(reader);
          const start = new Blob(head as BlobPart[]);
          bodyStart = await start.slice(0, 1024).text();
          out = rebuildResponse(watched, done ? start : replay(head, reader));
        }
        return { response: out, bodyStart };
      }
      // A buffered read: through the watched body when it needs watching; else raw, raced
      // against the attempt's abort (for a fetch that does not error a body on abort).
      const data = await (call.idleTimeout !== undefined || call.onDownloadProgress !== undefined
        ? readData(trackBody(response, this), mode)
        : signal.aborted
          ? Promise.reject(signal.reason)
          : new Promise((resolve, reject) => {
              this.onAbort = (reason) => {
                reject(reason);
                response.body?.cancel(reason).catch(noop);
              };
              readData(response, mode).then(resolve, reject);
            }));
      this.finish();
      return { response, data };
    } catch (error) {
      this.finish();
      // Bad input and hook errors pass unchanged; what fetch or the body did is classified.
      throw network || signal.aborted ? this.classify(error) : error;
    }
  }
}

/** Runs attempt `n` (0-based retry index) of a call. */
export function runAttempt(call: Call, n: number, refreshToken: boolean): Promise<AttemptResult> {
  return new Attempt(call, n).run(refreshToken);
}

/** Reads a body for a buffered shortcut (`json` as text, parsed by the caller; `bytes` as an ArrayBuffer). */
export function readData(response: Response, mode: ReadMode): Promise<unknown> {
  return mode === "blob" ? response.blob() : mode === "json" || mode === "text" ? response.text() : response.arrayBuffer();
}

/** Where a call stands, for its errors. */
export function details(call: Call): ErrorDetails {
  return { request: call.ctx.request, attempts: call.attempts };
}

/**
 * Sets this attempt's body to a counted stream of the body as given, serialised once per call
 * (loaded lazily); true when it did. Where uploads cannot be streamed (browsers) the body goes as
 * it is, and its size is returned for the one 100 % event sent when the response starts.
 */
async function countUpload(call: Call): Promise<true | number> {
  const upload = call.upload!;
  const lazy = await loadLazy();
  const { bytes, contentType } = await (upload.serialised ??= lazy.serialiseBody(upload.body));
  if (!lazy.canCountUploads()) return bytes.byteLength;
  call.init.body = lazy.countedStream(bytes, upload.onProgress);
  call.init.duplex = "half";
  if (contentType) call.headers["content-type"] ??= contentType;
  return true;
}
