/**
 * One attempt: its lifecycle and its own state, apart from the call's. It prepares its request
 * (prepare-request.ts), sends it (send-request.ts: hooks, fetch, redirect hops), classifies
 * what came back (classify-outcome.ts), runs the response hooks, reads the body when a buffered
 * shortcut asked for it, and returns what happened as an outcome. Its signal combines the
 * user's, the client's close() and this attempt's timer, here and nowhere else; nothing the
 * attempt awaits can outlive it: a token function, a hook or a custom fetch that never settles
 * is raced against that signal.
 *
 * The hot path allocates one `Attempt` and no closures of its own: the timer gets the attempt
 * as its argument, and close(), the user's signal and the timers all call `abort()`, which
 * ends whatever the attempt is waiting for through the `#pending` slot.
 */
import type { CallPlan, ReadMode } from "./plan.js";
import { closedError, isCloseReason, type Abortable } from "../resilience/closer.js";
import type { CallContext } from "./context.js";
import { NetworkError } from "../errors/network-error.js";
import { TierfetchError, type ErrorDetails } from "../errors/tierfetch-error.js";
import { TimeoutError } from "../errors/timeout-error.js";
import type { HeaderRecord } from "../http/headers.js";
import type { FetchFunction } from "../options/options.js";
import type { Progress } from "../options/progress.js";
import { PREPARE_UPLOAD, type UploadTracker } from "../http/upload-tracker.js";
import type { Hop } from "./redirects.js";
import { clearTimer, noop, setTimer, unrefTimer, watchSignal, type Timer } from "../resilience/timers.js";
import { attemptTimeout } from "../resilience/timeouts.js";
import { trackBody, type BodyWatch } from "./tracked-body.js";
import type { CallState, LiveAttempt, Outcome } from "./attempt-state.js";
import type { HopEnd, HopObserver } from "./attempt-events.js";
import { endHop, startHop } from "./hop-events.js";
import { tokenHeaders } from "./prepare-request.js";
import { sendRequest } from "./send-request.js";
import { errorStatus, failed } from "./classify-outcome.js";
import type { Lease, SlotTaker } from "../resilience/concurrency.js";

const onTimer = (attempt: Attempt) => attempt.expire("attempt");

/** One attempt's state; `abort()` is what close(), the user's signal and the timers call. */
export class Attempt implements LiveAttempt, BodyWatch, Abortable {
  readonly controller = new AbortController();
  onAbort: ((reason: unknown) => void) | undefined;
  weak: WeakRef<Abortable> | undefined;
  prevOp: Abortable | undefined;
  nextOp: Abortable | undefined;
  readonly plan: CallPlan;
  readonly state: CallState;
  /** This attempt's number in its call, 0-based. */
  readonly index: number;
  /** A hedge copy, sent while an earlier attempt still waits for its headers. */
  readonly hedge: boolean;
  /** The gap allowed between body chunks, once the body is read. */
  idle: number | undefined;
  readonly onProgress: ((p: Progress) => void) | undefined;
  /** The TimeoutError this attempt's own timers aborted with (a user's reason may be one too). */
  expired: TimeoutError | undefined;
  /** True while fetch or a body read is under way: a failure then is the network's (or the timer's). */
  network = false;
  /** The upload goes through XMLHttpRequest, for real progress events (a browser, where fetch cannot stream it). */
  uploadFetch: FetchFunction | undefined;
  /** An error the caller's own callback threw while the body was read (onDownloadProgress): never the network's. */
  callbackError: unknown;
  /** Whether the caller began to read a handed-over body (BodyWatch). */
  reading = false;
  /** The response headers came (hedging sends no copy then). */
  responded = false;
  /** When its request went out (kept only under hedging: a time to headers, or a lower bound of one). */
  sentAt = 0;
  /** Told the status when the headers arrive (a hedged race is decided there, before any body is read). */
  onHeaders: ((status: number) => void) | undefined;
  readonly #ms: number | undefined;
  #timer: Timer | undefined;
  /** Rejects what the attempt awaits now (a token, a hook, a custom fetch) when it is aborted. */
  #pending: ((reason: unknown) => void) | undefined;
  #stopWatching = noop;
  #finished = false;
  /** An ok outcome handed the body to the caller: a timeout after that ends the attempt past its outcome. */
  #handedOver = false;
  /** The listeners' observers of the hop in flight. */
  #hop: HopObserver[] | undefined;
  /** This attempt's maxConcurrent slot, freed when it finishes (or when its body is dropped unread). */
  lease: Lease | undefined;
  /** How this attempt takes its slot, when it has none yet. */
  #slot: SlotTaker | undefined;
  /** When the attempt's timer was armed (kept only under maxConcurrent: a wait for a slot pauses it). */
  #began = 0;

  constructor(plan: CallPlan, state: CallState, slot: Lease | SlotTaker | undefined, hedge = false) {
    this.plan = plan;
    this.state = state;
    if (typeof slot === "function") this.#slot = slot;
    else this.lease = slot;
    this.index = state.attempts - 1;
    this.hedge = hedge;
    this.idle = plan.idleTimeout;
    this.onProgress = plan.onDownloadProgress;
    const t = plan.timeout.ms;
    const ms = (this.#ms = t === undefined ? undefined : attemptTimeout(t, state.retries, plan.config.tiers.max));
    plan.config.closer.track(this);
    if (plan.signal) this.#stopWatching = watchSignal(plan.signal, (reason) => this.abort(reason));
    if (ms !== undefined && !this.controller.signal.aborted) this.#timer = setTimer(onTimer, ms, this);
    if (slot) this.#began = Date.now();
  }

  /**
   * maxConcurrent: the slot, taken once the token and the beforeRequest hooks are done, just
   * before the request is sent, so that a token function or hook sending through the same client
   * never waits for the slot its own call holds. The wait is outside the attempt's timer (paused,
   * then armed with what was left), bounded by the signal, close() and a retry's deadline; a wait
   * they end never takes a slot.
   */
  takeSlot(): void | Promise<void> {
    const take = this.#slot;
    if (!take) return;
    this.#slot = undefined;
    const slot = take();
    if (!(slot instanceof Promise)) return void (this.lease = slot);
    clearTimer(this.#timer);
    const left = this.#ms === undefined ? undefined : this.#ms - (Date.now() - this.#began);
    return slot.then((lease) => {
      this.lease = lease;
      const { signal } = this.controller;
      if (signal.aborted) throw signal.reason;
      if (left !== undefined) this.#timer = setTimer(onTimer, Math.max(0, left), this);
    });
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
    this.abort((this.expired = new TimeoutError(ms, tier, kind, this.details())));
  }

  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.lease?.release();
    clearTimer(this.#timer);
    this.plan.config.closer.release(this);
    this.#stopWatching();
  }

  details(): ErrorDetails {
    return details(this.state);
  }

  /** For a body the caller reads: turns a read error (or the abort reason) into the error the reader sees. */
  classify(error: unknown): unknown {
    const { signal } = this.controller;
    if (signal.aborted) {
      const reason = signal.reason;
      if (reason === this.expired) return reason;
      return isCloseReason(reason) ? closedError(this.details()) : reason;
    }
    return error instanceof TierfetchError ? error : new NetworkError(error, this.details(), this.state.ctx.secrets());
  }

  /** Waits for `value`, or rejects at once when the attempt is aborted. */
  race<T>(value: T | PromiseLike<T>): T | Promise<T> {
    if (typeof (value as PromiseLike<T> | undefined)?.then !== "function") return value as T;
    const { signal } = this.controller;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      this.#pending = reject;
      (value as PromiseLike<T>).then(resolve, reject);
    });
  }

  /** A request of this attempt is about to be sent: the listeners hear it (the caller checked there are some). */
  startHop(method: string, url: string, headers: HeaderRecord): void {
    const { state } = this;
    this.#hop = startHop(this.plan.config.listeners, { method, url, attempt: this.index, resendCount: state.sent++, hedge: this.hedge, headers });
  }

  /** The hop in flight ended (nothing when none is, or it was ended already). */
  endHop(outcome: HopEnd): void {
    const hop = this.#hop;
    if (!hop) return;
    this.#hop = undefined;
    endHop(hop, outcome);
  }

  /** Sends the request, runs the hooks and reads what the plan's mode asks for. */
  async run(refreshToken: boolean): Promise<Outcome> {
    const { plan } = this;
    const { signal } = this.controller;
    try {
      let headers = plan.token === undefined ? plan.headers : tokenHeaders(plan, refreshToken, (value) => this.race(value));
      if (headers instanceof Promise) headers = await headers;
      this.state.ctx.beginAttempt(headers);
      const hop: Hop = { url: plan.url, method: plan.method, headers, body: plan.body.body };
      let uploaded: number | undefined;
      if (plan.onUploadProgress) uploaded = await this.#prepareUpload(hop, plan.onUploadProgress);
      if (signal.aborted) throw signal.reason;
      const { hedge } = plan.config;
      const began = (this.sentAt = hedge ? Date.now() : 0);
      let response = await sendRequest(this, hop);
      const { status } = response;
      this.responded = true;
      hedge?.seen(Date.now() - began);
      this.onHeaders?.(status);
      if (uploaded !== undefined) plan.onUploadProgress!({ loaded: uploaded, total: uploaded, percent: 100 });
      // Awaited only when there are hooks: each await of the hot path costs a promise and a tick.
      if (plan.hooks.afterResponse.length) response = await this.#afterResponse(response);
      this.state.ctx.response = response;
      this.network = true;
      const { mode } = plan;
      let outcome: Outcome;
      if (response.status >= 400) outcome = await errorStatus(this, response, headers);
      else if (mode === "response" || mode === "fetch") outcome = this.#handOver(response);
      else {
        // A buffered shortcut: the body read here, inside the attempt's timeout (its hop ends with it).
        try {
          outcome = { type: "ok", response, data: await (this.idle !== undefined || this.onProgress !== undefined ? readData(trackBody(response, this), mode) : this.race(readData(response, mode))) };
        } catch (bodyError) {
          // The headers came: the hop ends as a response whose body failed (its own timeout included);
          // the user's abort and close() end it as cancelled, in failed().
          if (!signal.aborted || signal.reason === this.expired) this.endHop({ type: "response", status, bodyError: signal.aborted ? this.expired : bodyError });
          throw bodyError;
        }
        this.finish();
      }
      this.endHop({ type: "response", status });
      return outcome;
    } catch (error) {
      this.finish();
      return failed(this, error);
    }
  }

  async #afterResponse(response: Response): Promise<Response> {
    const { ctx } = this.state;
    this.network = false;
    for (const hook of this.plan.hooks.afterResponse) {
      ctx.response = response;
      const out = await this.race(hook(ctx as CallContext & { response: Response }));
      if (out instanceof Response) response = out;
    }
    return response;
  }

  /** An ok status whose body the caller reads: handed over watched. */
  #handOver(response: Response): Outcome {
    this.handOn();
    this.#handedOver = true;
    return { type: "ok", response: trackBody(response, this, this.plan.mode === "fetch") };
  }

  /** A body that goes on to the caller (an ok status's, or an error status's), still watched. */
  handOn(): void {
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

  /** onUploadProgress (made by trackUpload(), which carries how to prepare it): the size for a single 100 % event, or none. */
  async #prepareUpload(hop: Hop, onUploadProgress: UploadTracker): Promise<number | undefined> {
    const { plan } = this;
    const upload = await onUploadProgress[PREPARE_UPLOAD](hop, {
      onUploadProgress,
      customFetch: plan.config.fetch !== undefined,
      redirect: plan.init.redirect,
      cache: this.state,
      wait: (value) => this.race(value),
    });
    this.uploadFetch = upload.fetch;
    return upload.size;
  }
}

/** Where a call stands, for its errors. */
export function details(state: CallState): ErrorDetails {
  return { request: state.ctx.request, attempts: state.attempts };
}

/** Runs one attempt of a call. */
export function runAttempt(plan: CallPlan, state: CallState, refreshToken: boolean, slot: SlotTaker | undefined): Promise<Outcome> {
  return new Attempt(plan, state, slot).run(refreshToken);
}

/** Reads a body for a buffered shortcut (`json` as text, parsed by the caller; `bytes` as an ArrayBuffer). */
export function readData(response: Response, mode: ReadMode): Promise<unknown> {
  return mode === "blob" ? response.blob() : mode === "json" || mode === "text" ? response.text() : response.arrayBuffer();
}
