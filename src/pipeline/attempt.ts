/**
 * One attempt: build its headers and RequestInit from the plan, send it under a fresh signal
 * (the user's, the client's close() and this attempt's timer, combined here and nowhere else),
 * follow redirects, run the response hooks, read the body when a buffered shortcut asked for
 * it, and return what happened as an outcome. Nothing the attempt awaits can outlive its
 * bounds: a token function, a hook or a custom fetch that never settles is raced against
 * the attempt's signal.
 *
 * The hot path allocates one `Attempt` and no closures of its own: the timer gets the attempt
 * as its argument, and close(), the user's signal and the timers all call `abort()`, which
 * ends whatever the attempt is waiting for through the `#pending` slot.
 */
import type { CallPlan, ReadMode } from "./plan.js";
import { closedError, isCloseReason, type Abortable } from "../resilience/closer.js";
import type { CallContext } from "./context.js";
import { NetworkError, describeCause } from "../errors/network-error.js";
import { TierfetchError, type ErrorDetails } from "../errors/tierfetch-error.js";
import { TimeoutError, type TimeoutKind } from "../errors/timeout-error.js";
import { checkHeader, headerEntries, type HeaderRecord } from "../http/headers.js";
import { optionError } from "../options/option-error.js";
import type { FetchFunction, Progress } from "../options/options.js";
import { RedirectError } from "../errors/redirect-error.js";
import { isRedirect, isRedirectStatus, markRedirected, nextHop, type Hop, type RedirectRules } from "./redirects.js";
import { clearTimer, noop, setTimer, unrefTimer, watchSignal, type Timer } from "../resilience/timers.js";
import { attemptTimeout } from "../resilience/timeouts.js";
import { readHead, replay, trackBody, type BodyWatch } from "./tracked-body.js";
import { standIn } from "./fetched-response.js";
import type { SerialisedBody } from "../http/upload-progress.js";
import type { HopEnd, HopObserver, HopStart } from "./attempt-events.js";

/** What went wrong in an attempt that may be retried. */
export type Failure = { type: "timeout"; ms: number; tier: CallPlan["timeout"]["tier"]; kind: TimeoutKind } | { type: "network"; cause: unknown };

/** What an attempt produced. */
export type Outcome =
  | { type: "ok"; response: Response; data?: unknown }
  | { type: "http"; response: Response; bodyStart: string; secrets: string[] }
  | { type: "failed"; failure: Failure };

/** The state of a call across its attempts (the plan itself never changes). */
export interface CallState {
  /** Attempts made so far (first attempts, retries and token refreshes). */
  attempts: number;
  /** Retries made so far: sets the timeout's growth and the backoff. */
  retries: number;
  readonly ctx: CallContext;
  /** A body serialised once per call for counted uploads. */
  serialised?: Promise<SerialisedBody>;
  /** Requests sent so far (attempts and redirect hops): the next hop's resend count. */
  sent?: number;
  /** A redirect turned the request into a GET (303, or 301/302 after POST): sending it again would repeat the original. */
  rewritten?: boolean;
}

const onTimer = (attempt: Attempt) => attempt.expire("attempt");

/** One attempt's state; `abort()` is what close(), the user's signal and the timers call. */
class Attempt implements BodyWatch, Abortable {
  readonly controller = new AbortController();
  onAbort: ((reason: unknown) => void) | undefined;
  weak: WeakRef<Abortable> | undefined = undefined;
  prevOp: Abortable | undefined = undefined;
  nextOp: Abortable | undefined = undefined;
  readonly plan: CallPlan;
  readonly state: CallState;
  /** The gap allowed between body chunks, once the body is read. */
  idle: number | undefined;
  readonly onProgress: ((p: Progress) => void) | undefined;
  readonly #ms: number | undefined;
  #timer: Timer | undefined;
  /** The TimeoutError this attempt's own timers aborted with (a user's reason may be one too). */
  #expired: TimeoutError | undefined;
  #expiredKind: TimeoutKind = "attempt";
  /** Rejects what the attempt awaits now (a token, a hook, a custom fetch) when it is aborted. */
  #pending: ((reason: unknown) => void) | undefined;
  #stopWatching = noop;
  #finished = false;
  /** An ok outcome handed the body to the caller: a timeout after that ends the attempt past its outcome. */
  #handedOver = false;
  /** Whether the caller began to read a handed-over body (BodyWatch). */
  reading = false;
  /** True while fetch or a body read is under way: a failure then is the network's (or the timer's). */
  #network = false;
  /** The upload goes through XMLHttpRequest, for real progress events (a browser, where fetch cannot stream it). */
  #uploadFetch: FetchFunction | undefined;
  /** An error the caller's own callback threw while the body was read (onDownloadProgress): never the network's. */
  #callbackError: unknown;
  /** The listeners' observers of the hop in flight (none without listeners). */
  #observers: (HopObserver | undefined)[] | undefined;
  /** The status of the hop in flight, once its headers arrived; true while a buffered body is read. */
  #hopStatus: number | undefined;
  #readingBody = false;

  constructor(plan: CallPlan, state: CallState) {
    this.plan = plan;
    this.state = state;
    this.idle = plan.idleTimeout;
    this.onProgress = plan.onDownloadProgress;
    const t = plan.timeout.ms;
    const ms = (this.#ms = t === undefined ? undefined : attemptTimeout(t, state.retries, plan.config.tiers.max));
    plan.config.closer.track(this);
    if (plan.signal) this.#stopWatching = watchSignal(plan.signal, (reason) => this.abort(reason));
    if (ms !== undefined && !this.controller.signal.aborted) this.#timer = setTimer(onTimer, ms, this);
  }

  abort(reason: unknown): void {
    this.controller.abort(reason);
    this.onAbort?.(reason);
    this.#pending?.(reason);
  }

  /** Aborts with this attempt's own TimeoutError: the whole attempt's, or the idle gap's. */
  expire(kind: "attempt" | "idle"): void {
    // A body the caller reads after the outcome (a streamed Response, .sse(), api.fetch): no outcome
    // counts this one. A body nobody began to read is only freed by the timer: no timeout ended a read.
    if (this.#handedOver && this.reading && !this.controller.signal.aborted) this.plan.config.stats.timeouts++;
    const idle = kind === "idle";
    const ms = idle ? this.idle! : this.#ms!;
    const tier = idle && this.plan.idleTimeout !== undefined ? undefined : this.plan.timeout.tier;
    this.#expiredKind = kind;
    this.abort((this.#expired = new TimeoutError(ms, tier, kind, this.details())));
  }

  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    clearTimer(this.#timer);
    this.plan.config.closer.release(this);
    this.#stopWatching();
  }

  /** A callback of the caller threw while the body was read: that error, passed on unchanged. */
  blame(error: unknown): void {
    this.#callbackError = error;
  }

  details(): ErrorDetails {
    return { request: this.state.ctx.request, attempts: this.state.attempts };
  }

  /** For a body the caller reads: turns a read error (or the abort reason) into the error the reader sees. */
  classify(error: unknown): unknown {
    const { signal } = this.controller;
    if (signal.aborted) {
      const reason = signal.reason;
      if (reason === this.#expired) return reason;
      return isCloseReason(reason) ? closedError(this.details()) : reason;
    }
    return error instanceof TierfetchError ? error : new NetworkError(error, this.details(), this.state.ctx.secrets());
  }

  /** Waits for `value`, or rejects at once when the attempt is aborted. */
  #race<T>(value: T | PromiseLike<T>): T | Promise<T> {
    if (typeof (value as PromiseLike<T> | undefined)?.then !== "function") return value as T;
    const { signal } = this.controller;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      this.#pending = reject;
      (value as PromiseLike<T>).then(resolve, reject);
    });
  }

  /** Sends the request, runs the hooks and reads what the plan's mode asks for. */
  async run(refreshToken: boolean): Promise<Outcome> {
    const { plan } = this;
    const { signal } = this.controller;
    let headers: HeaderRecord = plan.headers;
    try {
      if (plan.token !== undefined) {
        const value = typeof plan.token === "string" ? plan.token : await this.#race(plan.token({ refresh: refreshToken }));
        checkHeader("authorization", value, "token");
        if (!value.trim()) throw optionError("token", "returned an empty token: a function that has none should throw");
        headers = { ...headers, authorization: `Bearer ${value}` };
      }
      this.state.ctx.beginAttempt(headers);
      const hop: Hop = { url: plan.url, method: plan.method, headers, body: plan.body.body };
      let uploaded: number | undefined;
      if (plan.onUploadProgress) uploaded = await this.#prepareUpload(hop, plan.onUploadProgress);
      if (signal.aborted) throw signal.reason;
      let response = await this.#send(hop);
      const status = response.status;
      if (status >= 400 || plan.mode === "response" || plan.mode === "fetch") this.#endHop({ type: "response", status });
      if (uploaded !== undefined) plan.onUploadProgress!({ loaded: uploaded, total: uploaded, percent: 100 });
      // Awaited only when there are hooks: each await of the hot path costs a promise and a tick.
      if (plan.hooks.afterResponse.length) response = await this.#afterResponse(response);
      this.state.ctx.response = response;
      this.#network = true;
      if (response.status >= 400) return await this.#errorStatus(response, headers);
      const { mode } = plan;
      if (mode === "response" || mode === "fetch") return this.#handOver(response);
      // A buffered shortcut: the body read here, inside the attempt's timeout.
      this.#readingBody = true;
      const data = await (this.idle !== undefined || this.onProgress !== undefined ? readData(trackBody(response, this), mode) : this.#race(readData(response, mode)));
      this.finish();
      this.#endHop({ type: "response", status });
      return { type: "ok", response, data };
    } catch (error) {
      this.finish();
      if (this.#observers) this.#endHop(this.#hopFailure(error));
      return this.#failed(error);
    }
  }

  /** Tells the listeners a request is about to be sent: the headers to send, theirs added. */
  #startHop(url: string, method: string, headers: HeaderRecord): HeaderRecord {
    const { listeners } = this.plan.config;
    if (!listeners.length) return headers;
    const { state } = this;
    const start: HopStart = { method, url, attempt: state.attempts - 1, resendCount: (state.sent = (state.sent ?? 0) + 1) - 1, hedge: false, headers: { ...headers } };
    this.#hopStatus = undefined;
    this.#observers = listeners.map((listener) => {
      try {
        return listener.hop(start);
      } catch {
        return undefined;
      }
    });
    return start.headers;
  }

  /** Tells the listeners how the hop in flight ended (once). */
  #endHop(outcome: HopEnd): void {
    const observers = this.#observers;
    if (!observers) return;
    this.#observers = undefined;
    for (const observer of observers) {
      try {
        observer?.end(outcome);
      } catch {
        // A listener never breaks the request.
      }
    }
  }

  /** How the hop in flight ended, from the error that ended the attempt. */
  #hopFailure(error: unknown): HopEnd {
    const { signal } = this.controller;
    const reason = signal.reason;
    // The user's abort or close(), before or after the headers: not a failure of the request.
    if (signal.aborted && reason !== this.#expired) return { type: "cancelled", reason: isCloseReason(reason) ? "closed" : "abort" };
    if (this.#hopStatus !== undefined) return this.#readingBody ? { type: "response", status: this.#hopStatus, bodyError: this.classify(error) } : { type: "error", error };
    if (signal.aborted) return { type: "timeout", error: reason };
    return this.#network && !(error instanceof TierfetchError) && !isOptionError(error) ? { type: "network", error } : { type: "error", error };
  }

  /** beforeRequest hooks, fetch, and the redirects the client follows. */
  async #send(hop: Hop): Promise<Response> {
    const { plan } = this;
    const { ctx } = this.state;
    const fetchImpl: FetchFunction = this.#uploadFetch ?? plan.config.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== "function") throw optionError("fetch", "is needed: this runtime has no fetch");
    let response: Response | undefined;
    let input: Request | string = hop.url;
    const init = this.#init(hop);
    const hooks = plan.hooks.beforeRequest;
    if (hooks.length) {
      ctx.request = new Request(hop.url, init);
      for (const hook of hooks) {
        const out = await this.#race(hook(ctx));
        if (out instanceof Response) {
          response = out;
          break;
        }
        if (out instanceof Request) ctx.request = out;
      }
      input = ctx.request;
      ctx.sentTo(input.url);
    }
    this.#network = true;
    if (!response) {
      const redirect = plan.redirects === "fetch" ? undefined : "manual";
      if (plan.config.listeners.length) {
        const sent = this.#startHop(typeof input === "string" ? input : input.url, typeof input === "string" ? hop.method : input.method, typeof input === "string" ? hop.headers : headerEntries<string>(input.headers));
        if (typeof input === "string") init.headers = sent;
        else input = ctx.request = new Request(input, { headers: sent });
      }
      response = checkResponse(await this.#fetch(fetchImpl, input, typeof input === "string" ? init : { signal: this.controller.signal, redirect }));
      this.#hopStatus = response.status;
    }
    if (plan.redirects === "fetch") return response;
    // As fetch: redirect "error" refuses every redirect status, with or without a Location.
    if (plan.redirects === "refuse" ? !isRedirectStatus(response.status) : !isRedirect(response)) return response;
    if (plan.redirects === "refuse") {
      response.body?.cancel().catch(noop);
      throw new RedirectError(response.status, 'the request has redirect: "error"', { request: ctx.request, attempts: this.state.attempts });
    }
    return this.#follow(fetchImpl, response, typeof input === "string" ? hop : { url: input.url, method: input.method, headers: headerEntries<string>(input.headers), body: hop.body });
  }

  /** Follows the redirects of `response`, sent from `from`, inside this attempt. */
  async #follow(fetchImpl: FetchFunction, response: Response, from: Hop): Promise<Response> {
    const { plan } = this;
    const { ctx } = this.state;
    const rules: RedirectRules = { replayable: plan.body.replayable, resend: () => plan.body.body, hasCredentials: plan.hasCredentials, allowHttp: plan.config.allowHttp, details: () => ({ request: ctx.request, attempts: this.state.attempts }) };
    let current = from;
    for (let hops = 0; isRedirect(response); hops++) {
      current = nextHop(response, current, hops, rules);
      ctx.sentTo(current.url);
      if (current.method !== plan.method && !plan.idempotent) this.state.rewritten = true;
      this.#endHop({ type: "response", status: response.status });
      const init = this.#init(current);
      if (plan.config.listeners.length) init.headers = this.#startHop(current.url, current.method, current.headers);
      response = checkResponse(await this.#fetch(fetchImpl, current.url, init));
      this.#hopStatus = response.status;
      if (!isRedirect(response)) return markRedirected(response, current.url);
    }
    return response;
  }

  /** The RequestInit of one hop: the plan's pass-through fields, and this hop's own values. */
  #init(hop: Hop): RequestInit & { duplex?: "half" } {
    // Built field by field (a spread here is a slow path in Node 20's V8, on every request).
    const init: RequestInit & { duplex?: "half" } = { method: hop.method, headers: hop.headers, signal: this.controller.signal };
    const extra = this.plan.init;
    for (const key in extra) (init as Record<string, unknown>)[key] = extra[key];
    if (hop.body !== undefined) {
      init.body = hop.body;
      if (hop.body instanceof ReadableStream) init.duplex = "half";
    }
    if (this.plan.redirects !== "fetch") init.redirect = "manual";
    return init;
  }

  /** Calls fetch (the caller checks what it resolved with). A custom fetch may ignore the signal: raced. The runtime's fetch rejects on abort itself. */
  #fetch(fetchImpl: FetchFunction, input: Request | string, init: RequestInit): unknown {
    const pending = fetchImpl(input, init);
    return this.plan.config.fetch ? this.#race(pending) : pending;
  }

  async #afterResponse(response: Response): Promise<Response> {
    const { ctx } = this.state;
    this.#network = false;
    for (const hook of this.plan.hooks.afterResponse) {
      ctx.response = response;
      const out = await this.#race(hook(ctx as CallContext & { response: Response }));
      if (out instanceof Response) response = out;
    }
    return response;
  }

  /**
   * An error status: the start of the body for HttpError's message, read from the body itself
   * and handed on in a Response that replays it before the rest. No clone: a tee branch nobody
   * reads pins memory and makes Workers warn (ky #569). As for an ok status's body, a tier
   * bounds each gap of the rest, a Duration the whole attempt, and GC takes one dropped unread.
   */
  async #errorStatus(response: Response, headers: HeaderRecord): Promise<Outcome> {
    // Handed on (api.fetch, throwHttpErrors: false, HttpError.response, or discarded before a
    // retry). Its timeouts stay an HTTP error's in stats: the outcome was counted as that.
    this.#handOn();
    const watched = trackBody(response, this);
    const reader = watched.body?.getReader();
    let bodyStart = "";
    let out = watched;
    if (reader) {
      // Handed back rather than thrown (api.fetch, throwHttpErrors: false), the Response is due
      // at its headers, as fetch resolves: its message (for retry hooks) gets what has arrived.
      const { plan } = this;
      const { head, done, pending } = await readHead(reader, plan.mode === "fetch" || !plan.throwHttpErrors ? 0 : undefined);
      const start = new Blob(head as BlobPart[]);
      bodyStart = await start.slice(0, 1024).text();
      out = standIn(watched, done ? start : replay(head, reader, pending));
    }
    // A beforeRequest hook may have set credentials of its own: those are masked too.
    const sent = this.plan.hooks.beforeRequest.length ? { ...headers, ...headerEntries<string>(this.state.ctx.request.headers) } : headers;
    return { type: "http", response: out, bodyStart, secrets: this.state.ctx.secrets(sent) };
  }

  /** An ok status whose body the caller reads: handed over watched. */
  #handOver(response: Response): Outcome {
    this.#handOn();
    this.#handedOver = true;
    return { type: "ok", response: trackBody(response, this, this.plan.mode === "fetch") };
  }

  /** A body that goes on to the caller (an ok status's, or an error status's), still watched. */
  #handOn(): void {
    const { plan } = this;
    // A streamed body: a tier bounds the wait for headers and then each gap between chunks;
    // a Duration bounds the whole attempt (the timer stays, no longer keeping a process alive).
    if (plan.timeout.tier !== undefined) {
      clearTimer(this.#timer);
      this.idle ??= this.#ms;
    } else unrefTimer(this.#timer);
    // The caller holds the body now: close() still reaches it, but a Response dropped unread
    // must not stay pinned (buffers, socket) until then.
    plan.config.closer.holdWeakly(this);
  }

  /** What went wrong: an outcome to decide on, or an error that ends the call at once. */
  #failed(error: unknown): Outcome {
    const { signal } = this.controller;
    if (signal.aborted) {
      const reason = signal.reason;
      const expired = this.#expired;
      if (expired && reason === expired) return { type: "failed", failure: { type: "timeout", ms: expired.timeout, tier: expired.tier as CallPlan["timeout"]["tier"], kind: this.#expiredKind } };
      // The user's abort: their reason, unchanged; close(): ERR_CLOSED.
      throw isCloseReason(reason) ? closedError(this.details()) : reason;
    }
    // Bad input, hook, token and callback errors, refused redirects: not the network's, never retried.
    if (!this.#network || error instanceof TierfetchError || isOptionError(error) || (this.#callbackError !== undefined && error === this.#callbackError)) throw error;
    const refused = refusedByFetch(this.plan, error);
    if (refused) throw refused;
    // The body did not match init.integrity: the same bytes would come again, so not retried.
    if (this.plan.init.integrity !== undefined && integrityMismatch(error)) throw new NetworkError(error, this.details(), this.state.ctx.secrets());
    return { type: "failed", failure: { type: "network", cause: error } };
  }

  /** onUploadProgress (the full client's UploadProgress; prepareCall refuses the option without it): the size for a single 100 % event, or none. */
  async #prepareUpload(hop: Hop, onUploadProgress: (p: Progress) => void): Promise<number | undefined> {
    const { plan } = this;
    const upload = await plan.config.upload!.prepare(hop, {
      onUploadProgress,
      customFetch: plan.config.fetch !== undefined,
      redirect: plan.init.redirect,
      cache: this.state,
      wait: (value) => this.#race(value),
    });
    this.#uploadFetch = upload.fetch;
    return upload.size;
  }
}

function checkResponse(value: unknown): Response {
  if (!(value instanceof Response)) throw optionError("fetch", "resolved with something that is not a Response");
  return value;
}

/** Runs one attempt of a call. */
export function runAttempt(plan: CallPlan, state: CallState, refreshToken: boolean): Promise<Outcome> {
  return new Attempt(plan, state).run(refreshToken);
}

/** Reads a body for a buffered shortcut (`json` as text, parsed by the caller; `bytes` as an ArrayBuffer). */
export function readData(response: Response, mode: ReadMode): Promise<unknown> {
  return mode === "blob" ? response.blob() : mode === "json" || mode === "text" ? response.text() : response.arrayBuffer();
}

const isOptionError = (error: unknown): boolean => error instanceof TypeError && error.message.startsWith("tierfetch: option ");

/**
 * A TypeError fetch raised for the request itself (a forbidden mode, a bad referrer...), not
 * for the network: the same request cannot be built. Checked only when an attempt failed.
 */
function refusedByFetch(plan: CallPlan, error: unknown): TypeError | undefined {
  if (!(error instanceof TypeError) || plan.config.fetch !== undefined) return undefined;
  try {
    new Request(plan.url, { ...plan.init, method: plan.method, headers: plan.headers, body: plan.body.replayable ? plan.body.body : undefined });
    return undefined;
  } catch (refusal) {
    return optionError("init", `was refused by fetch: ${(refusal as Error).message.slice(0, 200)}`);
  }
}

/** fetch's rejection for a body that failed its `integrity` check (undici: "integrity mismatch" as the cause). */
function integrityMismatch(error: unknown): boolean {
  return /integrity/i.test(describeCause(error));
}
