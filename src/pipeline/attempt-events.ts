/**
 * Attempt lifecycle events: the seams that tracing (a span per request sent), hedging and
 * concurrency limits hang on. Types only: a client with no listener pays one length check.
 *
 * A call sends one or more requests on the wire. Each is a *hop*: an attempt's first request,
 * or a redirect hop the client follows itself. For each hop the pipeline calls
 * `listener.hop(start)` just before fetch (after the beforeRequest hooks, with the headers that
 * will be sent, which the listener may add to), and later `end(outcome)` exactly once on what it
 * returned. Listeners never throw into the pipeline: the caller guards each call.
 */

/** One request about to be sent. */
export interface HopStart {
  readonly method: string;
  /** The URL as sent (unredacted: a listener that records it must redact it). */
  readonly url: string;
  /** The call's attempt this hop belongs to, 0-based (first attempt, retries, token refresh, hedge copies). */
  readonly attempt: number;
  /**
   * 0 for the first request of the call; 1, 2, … for every request the call sent after it
   * (retries, a token refresh, redirect hops, hedge copies): OpenTelemetry's `http.request.resend_count`.
   */
  readonly resendCount: number;
  /** A hedge copy (sent while an earlier attempt still waits for its headers). */
  readonly hedge: boolean;
  /** The headers to be sent, lower-case names: a listener may add its own (`traceparent`). */
  readonly headers: Record<string, string>;
}

/**
 * How a hop ended.
 * - `response`: headers arrived. A redirect the client follows ends its hop here; the final hop
 *   ends here for a streamed read, after the body for a buffered shortcut (`bodyError` set when
 *   reading that body failed).
 * - `timeout` / `network`: the attempt failed in a way a retry may cure.
 * - `error`: anything else that failed the hop (a refused redirect, a hook's or the token's error).
 * - `cancelled`: the user's signal or `close()` ended it, or it was a hedge copy that lost the race:
 *   not a failure of the request.
 */
export type HopEnd =
  | { readonly type: "response"; readonly status: number; readonly bodyError?: unknown }
  | { readonly type: "timeout" | "network" | "error"; readonly error: unknown }
  | { readonly type: "cancelled"; readonly reason: "abort" | "closed" | "hedge-lost" };

/** What hears a hop's outcome. */
export interface HopObserver {
  end(outcome: HopEnd): void;
}

/** A retry decided and about to sleep. */
export interface RetryScheduled {
  /** The attempt that failed, 0-based. */
  readonly attempt: number;
  /** Milliseconds the call waits before the retry. */
  readonly delay: number;
  /** The failed status, when the attempt had one. */
  readonly status?: number;
}

/** Listens to a call's attempts. */
export interface AttemptListener {
  /** A request is about to be sent: what `end()` is called on later, or nothing. */
  hop(start: HopStart): HopObserver | undefined;
  /** A retry was scheduled. */
  retry?(info: RetryScheduled): void;
}
