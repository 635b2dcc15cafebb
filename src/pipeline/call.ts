/**
 * One logical request: the retry loop around `runAttempt`. Data flows one way: request() →
 * prepareCall (the plan) → runCall → runAttempt (an outcome) → decideRetry → the response, or
 * the error built complete from the last outcome and the reason retries stopped.
 */
import { details, readData, runAttempt } from "./attempt.js";
import type { CallState, Outcome } from "./attempt-state.js";
import { closedError, isCloseReason } from "../resilience/closer.js";
import { CallContext } from "./context.js";
import { HttpError } from "../errors/http-error.js";
import { NetworkError } from "../errors/network-error.js";
import { TierfetchError, type ErrorDetails } from "../errors/tierfetch-error.js";
import { TimeoutError } from "../errors/timeout-error.js";
import { optionError } from "../options/option-error.js";
import type { CallPlan } from "./plan.js";
import { parseRetryAfter } from "../resilience/retry-after.js";
import { rateLimitDelay } from "../resilience/rate-limit-headers.js";
import { decideRetry, describeStop, retryDelay, type RetryDecision } from "../resilience/retry-decision.js";
import { takeRetry, type BudgetedDecision, type Reservation } from "../resilience/retry-budget.js";
import type { Stats } from "../stats.js";
import { supportsRequestStreams } from "../http/stream-uploads.js";
import { bounded as boundedBy } from "./bounded.js";
import { sleep } from "../resilience/timers.js";
import { retryScheduled } from "./hop-events.js";
import type { Lease, Limiter, SlotTaker } from "../resilience/concurrency.js";
import { discardBody as discard, runHedged } from "./hedged.js";

/** What a call resolves with: the response, and the body when a buffered shortcut read it. */
export interface CallResult {
  response: Response;
  data?: unknown;
  /** The call's context: its request, for errors raised while reading the body. */
  context?: CallContext;
}

/**
 * How a call runs. `retries: false` sends one attempt: SSE reconnection does the retrying, and
 * tells the call where it stands (`priorRetries` reconnections so far, `since` the start of the
 * streak) so that the error says why retries stopped, as a plain call's does.
 */
export interface RunOptions {
  retries: boolean;
  priorRetries?: number;
  since?: number;
  /** A reconnection of a stream already counted: not a new call (in stats and the budget's first attempts). */
  reconnection?: boolean;
  /**
   * A one-attempt call that would have retried took a retry from the budget for its caller:
   * this hands it over (the caller commits or releases it). Without it, it is given back.
   * `"spent"`: the budget refused the retry, and the call counted that (its error says so,
   * unless a beforeError hook replaced it): the caller must not ask the budget again.
   */
  handOver?: (taken: Reservation | "spent") => void;
}

/** The retry loop. Resolves with the final response, or rejects with the last attempt's error. */
export async function runCall(plan: CallPlan, run: RunOptions = { retries: true }): Promise<CallResult> {
  // A stream upload where fetch would send "[object ReadableStream]" (Firefox) rejects before anything is sent.
  if (plan.body.stream && !supportsRequestStreams()) throw optionError("body", "cannot be a ReadableStream: fetch cannot stream it here");
  const { config } = plan;
  const { stats, budget } = config;
  if (!run.reconnection) {
    stats.calls++;
    budget?.recordCall();
  }
  const state: CallState = { attempts: 0, retries: 0, sent: 0, ctx: new CallContext(plan.method, plan.url, plan.headers) };
  const started = Date.now();
  let refreshed = false;
  let refresh = false;
  const { limiter } = config;
  // Hedged copies: only of a request that may be sent twice, with a body that can be.
  const hedge = config.hedge && plan.idempotent && plan.body.replayable && !plan.onUploadProgress ? config.hedge : undefined;
  // maxConcurrent: each attempt takes a slot once its token and hooks are done (waiting in line
  // does not count against its timeout); a retry waits no later than the retry deadline.
  let slot: SlotTaker | undefined = limiter && (() => takeSlot(limiter, plan, state));
  let last: { outcome: Exclude<Outcome, { type: "ok" }>; delay: number } | undefined;
  for (;;) {
    state.ctx.attempt = state.attempts++;
    state.ctx.retryCount = state.retries;
    stats.requests++;
    let outcome: Outcome;
    try {
      outcome = await (hedge && !refresh ? runHedged(plan, state, slot, hedge) : runAttempt(plan, state, refresh, slot));
    } catch (error) {
      if (error !== PAST_DEADLINE || !last) throw error;
      return unsent(plan, state, last);
    }
    refresh = false;
    if (outcome.type === "ok") return { response: outcome.response, data: outcome.data, context: state.ctx };
    count(stats, outcome, state.attempts - 1);
    if (outcome.type === "http" && !refreshed && !state.rewritten && mayRefreshToken(plan, outcome.response)) {
      // A stale token: ask for a fresh one and repeat, without spending a retry.
      refreshed = refresh = true;
      discard(outcome.response);
      continue;
    }
    const decision = await decide(plan, state, outcome, Date.now() - (run.since ?? started), run);
    if (!decision.retry) return stop(plan, state, outcome, decision);
    if (outcome.type === "http") discard(outcome.response);
    if (config.listeners.length) retryScheduled(config.listeners, state.attempts - 1, decision.delay, outcome.type === "http" ? outcome.response.status : undefined);
    state.retries++;
    try {
      await sleep(decision.delay, plan.signal, config.closer);
    } catch (reason) {
      decision.reservation.release();
      throw isCloseReason(reason) ? closedError(details(state)) : reason;
    }
    // The retry waits for its slot within what is left before the retry deadline.
    if (limiter) slot = () => takeSlot(limiter, plan, state, run.since ?? started);
    last = { outcome, delay: decision.delay };
    // The retry is sent: it counts now, in the budget's window and in stats.
    decision.reservation.commit();
    stats.retries++;
  }
}

/**
 * A retry that waited for a slot until the retry deadline: never sent, so not counted (its budget
 * reservation was committed when it began, and stays spent); the call stops with the outcome before it.
 */
function unsent(plan: CallPlan, state: CallState, last: { outcome: Exclude<Outcome, { type: "ok" }>; delay: number }): Promise<CallResult> {
  state.attempts--;
  plan.config.stats.requests--;
  plan.config.stats.retries--;
  return stop(plan, state, last.outcome, { retry: false, reason: "deadline", delay: last.delay });
}

/** The reason a retry's wait for a slot ended at the retry deadline. */
const PAST_DEADLINE = Symbol();

/**
 * A maxConcurrent slot, at once or after waiting in line: the user's signal and close() end the
 * wait, and a retry's wait ends at the retry deadline (`since`: when the call began).
 */
function takeSlot(limiter: Limiter, plan: CallPlan, state: CallState, since?: number): Lease | Promise<Lease> {
  const ms = since === undefined ? undefined : Math.max(0, since + plan.retry.deadline - Date.now());
  return limiter.tryAcquire() ?? limiter.acquire({ signal: plan.signal, closer: plan.config.closer, ms, expired: () => PAST_DEADLINE, closed: () => closedError(details(state)) });
}

/** 401 with a token function, to the origin the token went to: worth one refresh. */
function mayRefreshToken(plan: CallPlan, response: Response): boolean {
  if (response.status !== 401 || typeof plan.token !== "function" || !plan.body.replayable) return false;
  // A 401 from another origin (after a redirect) says nothing about our token.
  return !response.url || sameOrigin(response.url, plan.credentialOrigin);
}

function sameOrigin(url: string, origin: string): boolean {
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}

function count(stats: Stats, outcome: Exclude<Outcome, { type: "ok" }>, index: number): void {
  if (outcome.type === "failed") {
    if (outcome.failure.type === "timeout") stats.timeouts++;
    else stats.networkErrors++;
    return;
  }
  stats.httpErrors++;
  if (outcome.response.status === 429) {
    const counts = stats.rateLimitErrors;
    while (counts.length <= index) counts.push(0);
    counts[index]!++;
  }
}

/**
 * The decision on a failed attempt: the pure rule (with shouldRetry's answer), then the budget,
 * then beforeRetry hooks. A retry holds its reservation from the budget until it is sent; a
 * hook that vetoes or throws gives it back.
 */
async function decide(plan: CallPlan, state: CallState, outcome: Exclude<Outcome, { type: "ok" }>, elapsed: number, run: RunOptions): Promise<BudgetedDecision> {
  const policy = plan.retry;
  const response = outcome.type === "http" ? outcome.response : undefined;
  const retryAfter = response && (parseRetryAfter(response.headers) ?? rateLimitDelay(response.status, response.headers));
  const facts = {
    policy,
    retries: run.retries ? state.retries : (run.priorRetries ?? 0),
    idempotent: plan.idempotent,
    // After a 303 (or 301/302 after POST) a retry would send the original POST again.
    replayable: plan.body.replayable && !state.rewritten,
    status: response?.status,
    retryAfter,
    elapsed,
    override: undefined as boolean | undefined,
  };
  const delay = retryDelay(facts);
  const { ctx } = state;
  ctx.error = buildError(state, outcome);
  ctx.response = response;
  ctx.delay = delay;
  ctx.retryAfter = retryAfter;
  if (policy.shouldRetry && facts.retries < facts.policy.maxRetries && facts.replayable) facts.override = answer(await bounded(plan, state, () => policy.shouldRetry!(ctx)));
  // A request's retry: { budget: false } keeps it out of the client's budget.
  const decision = takeRetry(decideRetry(facts, delay), policy.budget === false ? undefined : plan.config.budget);
  if (!decision.retry) {
    // (Only a one-attempt call has a caller to tell.)
    if (decision.reason === "budget") run.handOver?.("spent");
    return decision;
  }
  // One attempt only: the caller (SSE reconnection) retries, with the reservation handed over.
  if (!run.retries) {
    if (run.handOver) run.handOver(decision.reservation);
    else decision.reservation.release();
    return { retry: false, reason: "handed-back", delay };
  }
  try {
    for (const hook of plan.hooks.beforeRetry) {
      if ((await bounded(plan, state, () => hook(ctx))) === false) {
        decision.reservation.release();
        return { retry: false, reason: "should-retry", delay };
      }
    }
  } catch (error) {
    decision.reservation.release();
    throw error;
  }
  return decision;
}

/** shouldRetry's answer: true, false, or undefined (keep the decision); anything else is a mistake. */
function answer(value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw optionError("retry.shouldRetry", "must return true, false or undefined");
  return value;
}

/** Retries are over: resolve with the response (throwHttpErrors: false, api.fetch), or reject. */
async function stop(plan: CallPlan, state: CallState, outcome: Exclude<Outcome, { type: "ok" }>, decision: RetryDecision & { retry: false }): Promise<CallResult> {
  if (decision.reason === "budget") plan.config.stats.budgetExhausted++;
  if (outcome.type === "http" && (!plan.throwHttpErrors || plan.mode === "fetch")) {
    const { response } = outcome;
    const buffered = plan.mode !== "response" && plan.mode !== "fetch";
    return { response, data: buffered ? await readData(response, plan.mode) : undefined, context: state.ctx };
  }
  // The error decide() built for the hooks is the final one, unless the stop has something to say.
  const stopped = describeStop(decision.reason, { delay: decision.delay, policy: plan.retry }) || undefined;
  const budgetExhausted = decision.reason === "budget";
  const built = state.ctx.error;
  const error = stopped || budgetExhausted || !(built instanceof TierfetchError) ? buildError(state, outcome, { budgetExhausted, stopped }) : built;
  throw await finalError(plan, state, error);
}

/** The error of an outcome, built complete: where the call stands, and why retries stopped. */
function buildError(state: CallState, outcome: Exclude<Outcome, { type: "ok" }>, extra: ErrorDetails = {}): TierfetchError {
  const d: ErrorDetails = { ...details(state), ...extra };
  if (outcome.type === "http") return new HttpError(d.request!, outcome.response, outcome.bodyStart, d, outcome.secrets);
  const { failure } = outcome;
  return failure.type === "timeout" ? new TimeoutError(failure.ms, failure.tier, failure.kind, d) : new NetworkError(failure.cause, { ...d, cause: failure.cause }, state.ctx.secrets());
}

/** Lets `beforeError` hooks replace the error; each is bounded like any hook. */
async function finalError(plan: CallPlan, state: CallState, error: TierfetchError): Promise<Error> {
  let out: Error = error;
  for (const hook of plan.hooks.beforeError) {
    const next = await bounded(plan, state, () => hook(out, state.ctx));
    if (next instanceof Error) out = next;
  }
  return out;
}

/**
 * Runs a hook between attempts (beforeRetry, beforeError, shouldRetry) so that it cannot hang
 * the call: the user's signal, close() and the request's timeout end the wait.
 */
function bounded<T>(plan: CallPlan, state: CallState, hook: () => T | PromiseLike<T>): Promise<T> {
  const { ms, tier } = plan.timeout;
  return boundedBy(
    {
      signal: plan.signal,
      closer: plan.config.closer,
      ms,
      expired: () => new TimeoutError(ms!, tier, "hook", details(state)),
      closed: () => closedError(details(state)),
    },
    hook,
  );
}
