/**
 * Hedged attempts (Finagle's backup requests, gRPC's hedging policy): while no attempt of the
 * call has its response headers `after` ms after the last one began, one more copy is sent, up
 * to `max` copies. Each copy takes from the retry budget and a free maxConcurrent slot (a copy
 * never waits in line: without one it is not sent). The first outcome that would not be retried
 * wins and every other copy is aborted (its connection closed); an outcome that would be retried
 * ends the race only when no other copy is pending.
 */
import { Attempt } from "./attempt.js";
import type { CallPlan } from "./plan.js";
import type { CallState, Outcome } from "./attempt-state.js";
import { HEDGE_LOST, type Hedge } from "../resilience/hedge.js";
import { isRetryable } from "../resilience/retry.js";
import { UNLIMITED } from "../resilience/retry-budget.js";
import type { Lease, SlotTaker } from "../resilience/concurrency.js";
import type { ClientConfig } from "../options/config.js";
import { clearTimer, noop, setTimer, type Timer } from "../resilience/timers.js";

/** Runs the call's attempt with hedged copies; resolves with the winning outcome, or rejects as the attempt would. */
export function runHedged(plan: CallPlan, state: CallState, slot: SlotTaker | undefined, hedge: Hedge): Promise<Outcome> {
  const after = hedge.delay();
  const first = new Attempt(plan, state, slot);
  if (after === undefined) return first.run(false);
  const { config } = plan;
  return new Promise<Outcome>((resolve, reject) => {
    const running: Attempt[] = [];
    let pending = 0;
    let copies = 0;
    let done = false;
    let winner: Attempt | undefined;
    let timer: Timer | undefined;
    const end = (won: Attempt | undefined) => {
      done = true;
      winner = won;
      clearTimer(timer);
      stopLosers(running, won, hedge);
    };
    const launch = (attempt: Attempt) => {
      running.push(attempt);
      pending++;
      // Decided at the headers: a status that would not be retried wins there, and the other
      // copies stop before their bodies are read (one body downloaded, one progress to report).
      attempt.onHeaders = (status) => {
        if (!done && !isRetryable(plan.retry, true, status)) end(attempt);
      };
      attempt.run(false).then(
        (outcome) => {
          pending--;
          if (done ? attempt !== winner : pending > 0 && wouldRetry(plan, outcome)) {
            // A copy that would be retried leaves the race: it no longer stops the next copy.
            if (!done) running.splice(running.indexOf(attempt), 1);
            return discard(outcome);
          }
          if (!done) end(attempt);
          resolve(outcome);
        },
        (error: unknown) => {
          pending--;
          if (done && attempt !== winner) return;
          if (!done) end(undefined);
          reject(error);
        },
      );
    };
    const copy = () => {
      if (done || copies >= hedge.max || running.some((a) => a.responded)) return;
      const ticket = copyTicket(config);
      if (!ticket) return;
      copies++;
      state.attempts++;
      launch(new Attempt(plan, state, ticket.slot, true));
      if (copies < hedge.max) timer = setTimer(copy, after, undefined);
    };
    launch(first);
    timer = setTimer(copy, after, undefined);
  });
}

/**
 * Aborts every copy but the winner. A loser's wait so far is a lower bound of its time to
 * headers: recorded, or the slow tail that copies cut short would vanish from the percentile,
 * which would then drift down and send ever more copies.
 */
function stopLosers(running: Attempt[], won: Attempt | undefined, hedge: Hedge): void {
  const now = Date.now();
  for (const attempt of running) {
    if (attempt === won) continue;
    if (!attempt.responded && attempt.sentAt) hedge.seen(now - attempt.sentAt);
    attempt.abort(HEDGE_LOST);
  }
}

/** What a copy takes before it is sent: a retry from the budget and a free slot (a copy never waits in line); nothing without both. */
function copyTicket(config: ClientConfig): { slot: Lease | undefined } | undefined {
  const reservation = config.budget ? config.budget.tryReserve() : UNLIMITED;
  const slot = config.limiter?.tryAcquire();
  if (!reservation || (config.limiter && !slot)) return void (reservation?.release(), slot?.release());
  reservation.commit();
  config.stats.requests++;
  config.stats.hedges++;
  return { slot };
}

/** An outcome the call would retry (a failure of the network or the timer, a retryable status). */
function wouldRetry(plan: CallPlan, outcome: Outcome): boolean {
  return outcome.type === "failed" || (outcome.type === "http" && isRetryable(plan.retry, true, outcome.response.status));
}

/** Frees what a losing outcome holds (a body nobody will read). */
function discard(outcome: Outcome): void {
  if (outcome.type !== "failed") discardBody(outcome.response);
}

/** Releases the connection of a response nobody will read. */
export function discardBody(response: Response): void {
  if (!response.bodyUsed) response.body?.cancel().catch(noop);
}
