/**
 * --timeout and --idle-timeout as the client gets them. A limit past setTimeout's 24.8 days
 * would fire at once inside the library, so the CLI holds such a limit itself with a chained
 * timer (long-timer.ts): the client gets none, and the CLI aborts the call (`--timeout`, over
 * the whole call, which then has one attempt's worth of time) or the body (`--idle-timeout`,
 * reset by each chunk).
 */
import { parseDuration } from "../index.js";
import type { CliArgs } from "./args.js";
import { MAX_TIMER_MS } from "./long-timer.js";

/** Streams and downloads may run for long: no overall timeout, but a bound on silence. */
const STREAM_IDLE_TIMEOUT = "1m";

export interface Limits {
  /** For the client: a tier name, "none" or a duration; undefined: the client's default. */
  timeout: string | undefined;
  idleTimeout: string | undefined;
  /** Held by the CLI: the whole call's limit in ms. */
  longTimeoutMs: number | undefined;
  /** Held by the CLI: the longest silence between body chunks in ms. */
  longIdleMs: number | undefined;
}

export function limits(args: CliArgs): Limits {
  const streaming = args.mode !== "buffer" || args.output !== undefined;
  const timeout = args.timeout ?? (streaming ? "none" : undefined);
  const idle = args.idleTimeout ?? (streaming ? STREAM_IDLE_TIMEOUT : undefined);
  const longTimeoutMs = beyondTimers(timeout);
  const longIdleMs = beyondTimers(idle);
  return {
    timeout: longTimeoutMs === undefined ? timeout : "none",
    idleTimeout: idle === "none" || longIdleMs !== undefined ? undefined : idle,
    longTimeoutMs,
    longIdleMs,
  };
}

/** The duration in ms when it is one setTimeout cannot wait for. */
function beyondTimers(value: string | undefined): number | undefined {
  if (value === undefined || value === "none" || value === "short" || value === "medium" || value === "long") return undefined;
  const ms = parseDuration(value);
  return ms > MAX_TIMER_MS ? ms : undefined;
}
