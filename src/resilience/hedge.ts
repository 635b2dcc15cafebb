/**
 * `hedge: { after, max }`: the option, validated, and what a client family has seen of its
 * times to response headers, for an `after` given as a percentile ("p95"). Until 20 times are
 * seen a percentile gives no delay: no hedge is sent (a guess could double the load).
 */
import { check, checkNumber } from "../options/option-error.js";
import { durationOption } from "./timeouts.js";
import type { Duration } from "./durations.js";

/** Times to headers are kept for the last this many attempts. */
const KEPT = 256;
/** A percentile needs at least this many times seen. */
const MIN_SEEN = 20;

/** The hedge option resolved, with the family's times to headers. */
export interface Hedge {
  /** Copies sent at most. */
  readonly max: number;
  /** Records an attempt's time to headers. */
  seen(ms: number): void;
  /** How long an attempt waits for headers before a copy is sent; undefined: no hedge (yet). */
  delay(): number | undefined;
}

/** `ms`, or a percentile (50-99) of the last KEPT times seen. */
function makeHedge(ms: number | undefined, percentile: number | undefined, max: number): Hedge {
  const seen: number[] = [];
  return {
    max,
    seen(time) {
      if (percentile !== undefined && seen.push(time) > KEPT) seen.shift();
    },
    // p < 100: the index is always inside.
    delay: () => (percentile === undefined ? ms : seen.length < MIN_SEEN ? undefined : seen.slice().sort((a, b) => a - b)[Math.ceil((percentile / 100) * seen.length) - 1]),
  };
}

/** The abort reason of a copy that lost the race (its hop ends "cancelled", never a failure). */
export const HEDGE_LOST: unique symbol = Symbol("hedge lost");

/** Validates `hedge`: `{ after, max }`. */
export function resolveHedge(value: unknown): Hedge {
  check(typeof value === "object" && value !== null, "hedge", "must be { after, max }");
  const { after, max = 1 } = value as { after?: unknown; max?: unknown };
  for (const key of Object.keys(value as object)) check(key === "after" || key === "max", `hedge.${key.slice(0, 64)}`, "is not an option");
  checkNumber(max, "hedge.max", 1, true);
  // "p50"…"p99": a percentile; anything else must be a Duration.
  const m = typeof after === "string" && after[0] === "p" ? /^p([5-9]\d)$/.exec(after) : undefined;
  check(m !== null, "hedge.after", "must be a Duration or p50…p99");
  const p = m ? +m[1]! : undefined;
  return makeHedge(p === undefined ? durationOption(after as Duration, "hedge.after") : undefined, p, max as number);
}
