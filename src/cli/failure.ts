/**
 * Turns whatever went wrong into one readable line and an exit status:
 * 1 network error, timeout or anything else, 2 bad arguments, 4 HTTP 4xx, 5 HTTP 5xx,
 * 28 -m/--max-time ran out (curl's), 130 interrupted (Ctrl-C).
 */
import { isHttpError, isNetworkError, isTierfetchError, isTimeoutError } from "../index.js";
import { UsageError } from "./usage-error.js";
import { MaxTimeExceeded } from "./max-time.js";
import { formatMs } from "./format.js";
import { redactUrl } from "../security/redact.js";

export const EXIT = { ok: 0, failure: 1, usage: 2, client: 4, server: 5, maxTime: 28, interrupted: 130 } as const;

export interface Failure {
  code: number;
  message: string;
  /** A bad-arguments failure gets the usage hint after it. */
  usage?: boolean;
}

/** The reason given to the abort controller on Ctrl-C. */
export class Interrupted extends Error {
  override name = "Interrupted";
  constructor() {
    super("interrupted");
  }
}

/** A problem writing the -o file. */
export class OutputError extends Error {
  override name = "OutputError";
}

export function describeFailure(error: unknown, method: string, url: string): Failure {
  const target = `${method} ${redactUrl(url)}`;
  if (error instanceof Interrupted) return { code: EXIT.interrupted, message: "interrupted" };
  if (error instanceof MaxTimeExceeded) return { code: EXIT.maxTime, message: `${target}: ${error.message}` };
  if (error instanceof UsageError) return { code: EXIT.usage, message: error.message, usage: true };
  if (error instanceof OutputError) return { code: EXIT.failure, message: error.message };
  if (isTierfetchError(error)) {
    const where = error.target || target;
    const code = error.code; // read before the guards below narrow `error` away
    const tries = error.attempts > 1 ? `, after ${error.attempts} attempts` : "";
    const budget = error.budgetExhausted ? "; no retry: the retry budget is spent" : "";
    if (isHttpError(error)) {
      const res = error.response;
      const status = `HTTP ${error.status}${res?.statusText ? ` ${res.statusText}` : ""}`;
      const exit = error.status >= 500 ? EXIT.server : error.status >= 400 ? EXIT.client : EXIT.failure;
      return { code: exit, message: `${status} from ${where}${tries}${budget}` };
    }
    if (isTimeoutError(error)) {
      const what = error.kind === "idle"
        ? `: no data for ${formatMs(error.timeout)} (raise --idle-timeout, or none)`
        : ` timed out after ${formatMs(error.timeout)}${error.tier ? ` (${error.tier} tier)` : ""}`;
      return { code: EXIT.failure, message: `${where}${what}${tries}${budget}` };
    }
    if (isNetworkError(error)) return { code: EXIT.failure, message: `${where}: ${networkReason(error)}${tries}${budget}` };
    if (code === "ERR_CLOSED") return { code: EXIT.interrupted, message: "interrupted" };
    return { code: EXIT.failure, message: `${where}: ${(error as Error).message}` };
  }
  // tierfetch rejects bad options with a TypeError naming the option, before anything is sent.
  if (error instanceof TypeError) return { code: EXIT.usage, message: error.message, usage: true };
  if (error instanceof Error) return { code: EXIT.failure, message: `${target}: ${error.message}` };
  return { code: EXIT.failure, message: `${target}: ${String(error)}` };
}

/** Why one attempt failed, for the "retry 1/4 in 500 ms: ..." line. */
export function attemptReason(error: unknown): string {
  if (isNetworkError(error)) return networkReason(error);
  if (isTimeoutError(error)) return error.kind === "idle" ? `no data for ${formatMs(error.timeout)}` : `timed out after ${formatMs(error.timeout)}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * `network error (connect ECONNREFUSED 127.0.0.1:9)`: the runtime's innermost reason, not
 * undici's bare "fetch failed". URLs some runtimes put in messages are shown redacted.
 */
function networkReason(error: Error): string {
  const root = rootCause(error.cause) ?? error.message;
  return `network error (${root.replace(/\bhttps?:\/\/[^\s)'"]+/g, (u: string) => redactUrl(u))})`;
}

/** The innermost cause's message, e.g. `connect ECONNREFUSED 127.0.0.1:9` under undici's "fetch failed". */
function rootCause(cause: unknown): string | undefined {
  let current = cause;
  let message: string | undefined;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    message = current.message || (current as { code?: string }).code || message;
    current = (current as { cause?: unknown }).cause;
  }
  return message;
}
