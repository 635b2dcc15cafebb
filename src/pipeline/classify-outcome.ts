/**
 * Classifying how an attempt ended: an error status (the start of its body read for the
 * HttpError's message, the body handed on), or a failure — one a retry may cure (a timeout, the
 * network's), or an error that ends the call at once (the user's abort, close(), bad input,
 * a hook's or the token's error, a refused redirect).
 */
import type { LiveAttempt as Attempt, Outcome } from "./attempt-state.js";
import type { CallPlan } from "./plan.js";
import { isCloseReason } from "../resilience/closer.js";
import { describeCause } from "../errors/network-error.js";
import { TierfetchError } from "../errors/tierfetch-error.js";
import { headerEntries, type HeaderRecord } from "../http/headers.js";
import { optionError } from "../options/option-error.js";
import { readHead, replay, trackBody } from "./tracked-body.js";
import { standIn } from "./fetched-response.js";
import { HEDGE_LOST } from "../resilience/hedge.js";

/**
 * An error status: the start of the body for HttpError's message, read from the body itself
 * and handed on in a Response that replays it before the rest. No clone: a tee branch nobody
 * reads pins memory and makes Workers warn (ky #569). As for an ok status's body, a tier
 * bounds each gap of the rest, a Duration the whole attempt, and GC takes one dropped unread.
 */
export async function errorStatus(attempt: Attempt, response: Response, headers: HeaderRecord): Promise<Outcome> {
  // Handed on (api.fetch, throwHttpErrors: false, HttpError.response, or discarded before a
  // retry). Its timeouts stay an HTTP error's in stats: the outcome was counted as that.
  attempt.handOn();
  const watched = trackBody(response, attempt);
  const reader = watched.body?.getReader();
  let bodyStart = "";
  let out = watched;
  const { plan } = attempt;
  const { ctx } = attempt.state;
  if (reader) {
    // Handed back rather than thrown (api.fetch, throwHttpErrors: false), the Response is due
    // at its headers, as fetch resolves: its message (for retry hooks) gets what has arrived.
    const { head, done, pending } = await readHead(reader, plan.mode === "fetch" || !plan.throwHttpErrors ? 0 : undefined);
    const start = new Blob(head as BlobPart[]);
    bodyStart = await start.slice(0, 1024).text();
    out = standIn(watched, done ? start : replay(head, reader, pending));
  }
  // A beforeRequest hook may have set credentials of its own: those are masked too.
  const sent = plan.hooks.beforeRequest.length ? { ...headers, ...headerEntries<string>(ctx.request.headers) } : headers;
  return { type: "http", response: out, bodyStart, secrets: ctx.secrets(sent) };
}

/** What went wrong: an outcome to decide on, or an error that ends the call at once. Ends the hop in flight. */
export function failed(attempt: Attempt, error: unknown): Outcome {
  const { signal } = attempt.controller;
  if (signal.aborted) {
    const reason = signal.reason;
    const expired = attempt.expired;
    if (expired && reason === expired) {
      attempt.endHop({ type: "timeout", error: expired });
      return { type: "failed", failure: { type: "timeout", ms: expired.timeout, tier: expired.tier as CallPlan["timeout"]["tier"], kind: expired.kind } };
    }
    // The user's abort: their reason, unchanged; close(): ERR_CLOSED.
    attempt.endHop({ type: "cancelled", reason: isCloseReason(reason) ? "closed" : reason === HEDGE_LOST ? "hedge-lost" : "abort" });
    throw attempt.classify(reason);
  }
  const { plan } = attempt;
  // Bad input, hook, token and callback errors, refused redirects: not the network's, never retried.
  // (What a hook throws may be anything, undefined included.)
  const own = !attempt.network || error instanceof TierfetchError || isOptionError(error) || (attempt.callbackError !== undefined && error === attempt.callbackError);
  // The body did not match init.integrity: the same bytes would come again, so not retried.
  const thrown = own ? error : (refusedByFetch(plan, error) ?? (plan.init.integrity !== undefined && integrityMismatch(error) ? attempt.classify(error) : undefined));
  if (own || thrown) {
    attempt.endHop({ type: "error", error: thrown });
    throw thrown;
  }
  attempt.endHop({ type: "network", error });
  return { type: "failed", failure: { type: "network", cause: error } };
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
