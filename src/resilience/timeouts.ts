/** Timeout tiers and the timeout of each attempt. */
import { check, optionError } from "../options/option-error.js";
import { parseDuration, type Duration } from "./durations.js";
import type { TierName, TimeoutOption, TimeoutTiers } from "../options/options.js";

/** Tier lengths in milliseconds. */
export interface Tiers {
  short: number;
  medium: number;
  long: number;
  max: number;
}

/**
 * A request's timeout: milliseconds (undefined: none) and the tier it came from. A tier bounds
 * a buffered read whole, and a streamed body's wait for headers and each gap between chunks; a
 * Duration bounds the whole attempt either way.
 */
export interface ResolvedTimeout {
  ms: number | undefined;
  tier: TierName | undefined;
}

const MEDIUM = 3e4;
export const DEFAULT_TIERS: Readonly<Tiers> = { short: 5e3, medium: MEDIUM, long: 36e4, max: 9e5 };
/** The timeout of a client that sets none: the medium tier. */
export const DEFAULT_TIMEOUT: ResolvedTimeout = { ms: MEDIUM, tier: "medium" };

/** Validates `timeouts` over `base` (the defaults, or a parent client's tiers). */
export function resolveTiers(input: TimeoutTiers | undefined, base: Readonly<Tiers> = DEFAULT_TIERS): Tiers {
  const out: Tiers = { ...base };
  if (input === undefined) return out;
  check(typeof input === "object" && input !== null, "timeouts", "must be an object");
  for (const key of Object.keys(input) as (keyof TimeoutTiers)[]) {
    check(Object.hasOwn(DEFAULT_TIERS, key), "timeouts", `has no tier ${JSON.stringify(key)}: use ${Object.keys(DEFAULT_TIERS).join(", ")}`);
    const value = input[key];
    if (value !== undefined) out[key] = durationOption(value, `timeouts.${key}`);
  }
  return out;
}

/** Resolves a `timeout` option against the tiers: a tier name, "none", or a duration. */
export function resolveTimeout(option: TimeoutOption, tiers: Tiers): ResolvedTimeout {
  if (option === "none") return { ms: undefined, tier: undefined };
  if (typeof option === "string" && /^[a-z]+$/i.test(option)) {
    check(option === "short" || option === "medium" || option === "long", "timeout", `has no tier ${JSON.stringify(option)}: use short, medium, long, none or a duration`);
    return { ms: tiers[option as TierName], tier: option as TierName };
  }
  return { ms: durationOption(option as Duration, "timeout"), tier: undefined };
}

/** A timeout inherited by a child client: a tier follows the child's tier lengths. */
export function retier(timeout: ResolvedTimeout, tiers: Tiers): ResolvedTimeout {
  return timeout.tier ? { ms: tiers[timeout.tier], tier: timeout.tier } : timeout;
}

/** Attempt `n` (0-based) gets `min(t · 2ⁿ, max(t, cap))`. */
export function attemptTimeout(t: number, n: number, cap: number): number {
  return Math.min(t * 2 ** n, Math.max(t, cap));
}

/** parseDuration with the option's name in the error. */
export function durationOption(value: Duration, name: string): number {
  try {
    return parseDuration(value);
  } catch (error) {
    throw optionError(name, (error as Error).message);
  }
}
