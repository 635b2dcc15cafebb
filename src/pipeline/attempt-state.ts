/**
 * The state of a call across its attempts, and what each attempt keeps of its own: the types
 * the attempt's parts (prepare-request, send-request, classify-outcome) and the call share.
 */
import type { CallPlan } from "./plan.js";
import type { CallContext } from "./context.js";
import type { ErrorDetails } from "../errors/tierfetch-error.js";
import type { TimeoutError, TimeoutKind } from "../errors/timeout-error.js";
import type { HeaderRecord } from "../http/headers.js";
import type { FetchFunction } from "../options/options.js";
import type { SerialisedBody } from "../http/upload-progress.js";
import type { HopEnd } from "./attempt-events.js";
import type { BodyWatch } from "./tracked-body.js";

/** What went wrong in an attempt that may be retried. */
export type Failure = { type: "timeout"; ms: number; tier: CallPlan["timeout"]["tier"]; kind: TimeoutKind } | { type: "network"; cause: unknown };

/** What an attempt produced. */
export type Outcome =
  | { type: "ok"; response: Response; data?: unknown }
  | { type: "http"; response: Response; bodyStart: string; secrets: string[] }
  | { type: "failed"; failure: Failure };

/** The state of a call across its attempts (the plan itself never changes; each attempt keeps its own). */
export interface CallState {
  /** Attempts made so far (first attempts, retries and token refreshes). */
  attempts: number;
  /** Retries made so far: sets the timeout's growth and the backoff. */
  retries: number;
  /** Requests announced to the attempt listeners so far (every hop): the next one's resend count. */
  sent: number;
  readonly ctx: CallContext;
  /** A body serialised once per call for counted uploads. */
  serialised?: Promise<SerialisedBody>;
  /**
   * A redirect turned the request into a GET (303, or 301/302 after POST): sending it again
   * would repeat the original. (Only a request that is not idempotent turns, and it is never hedged.)
   */
  rewritten?: boolean;
}

/** One attempt in flight, as its parts see it (attempt.ts implements it). */
export interface LiveAttempt extends BodyWatch {
  readonly plan: CallPlan;
  readonly state: CallState;
  /** A hedge copy, sent while an earlier attempt still waits for its headers. */
  readonly hedge: boolean;
  /** True once fetch (or a body read) is under way: a failure then is the network's (or the timer's). */
  network: boolean;
  /** The fetch an upload goes through (XMLHttpRequest in a browser), if not the client's. */
  readonly uploadFetch: FetchFunction | undefined;
  /** The TimeoutError this attempt's own timers aborted with (its `kind` says which timer). */
  readonly expired: TimeoutError | undefined;
  /** Waits for `value`, or rejects at once when the attempt is aborted. */
  race<T>(value: T | PromiseLike<T>): T | Promise<T>;
  details(): ErrorDetails;
  /** A body goes on to the caller, still watched. */
  handOn(): void;
  /** maxConcurrent: takes this attempt's slot (once its token and hooks are done, just before it sends). */
  takeSlot(): void | Promise<void>;
  /** A request is about to be sent (the caller checked there are listeners). */
  startHop(method: string, url: string, headers: HeaderRecord): void;
  /** The hop in flight ended (nothing when none is, or it ended already). */
  endHop(outcome: HopEnd): void;
}
