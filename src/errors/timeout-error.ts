import { TierfetchError, at, isTierfetchError, type ErrorDetails } from "./tierfetch-error.js";
import type { TierName } from "../options/options.js";

/** What ran out: the whole attempt, the gap between two body chunks, or a hook between attempts. */
export type TimeoutKind = "attempt" | "idle" | "hook";

/** An attempt, or the gap between two body chunks, took longer than allowed. */
export class TimeoutError extends TierfetchError {
  override name = "TimeoutError";
  /** Milliseconds allowed to the attempt that timed out (or the idle gap, for `kind: "idle"`). */
  timeout: number;
  /** The tier name, when the timeout came from a tier. */
  tier: TierName | undefined;
  /** Which limit ran out. */
  kind: TimeoutKind;

  constructor(timeout: number, tier: string | undefined, kind: TimeoutKind, details: ErrorDetails = {}) {
    const limit = tier ? `tier "${tier}"` : "idleTimeout";
    const what =
      kind === "idle" ? `no body data for ${timeout} ms (${limit})` : kind === "hook" ? `a hook did not settle within ${timeout} ms` : `timed out after ${timeout} ms${tier ? ` (tier "${tier}")` : ""}`;
    super(at(details.request, what), "ERR_TIMEOUT", details);
    this.timeout = timeout;
    this.tier = tier as TierName | undefined;
    this.kind = kind;
  }
}

/** True for a {@link TimeoutError}, across realms and library copies. */
export function isTimeoutError(value: unknown): value is TimeoutError {
  return isTierfetchError(value) && value.code === "ERR_TIMEOUT";
}
