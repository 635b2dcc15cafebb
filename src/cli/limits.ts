/**
 * --timeout and --idle-timeout as the client gets them: as typed (the client honours any
 * duration, also past setTimeout's 24.8 days), or the mode's default. Streams and downloads
 * may run for long: no overall timeout, but a bound on silence.
 */
import type { CliArgs } from "./args.js";

const STREAM_IDLE_TIMEOUT = "1m";

export interface Limits {
  /** A tier name, "none" or a duration; undefined: the client's default. */
  timeout: string | undefined;
  idleTimeout: string | undefined;
}

export function limits(args: CliArgs): Limits {
  const streaming = args.mode !== "buffer" || args.output !== undefined;
  const idle = args.idleTimeout ?? (streaming ? STREAM_IDLE_TIMEOUT : undefined);
  return {
    timeout: args.timeout ?? (streaming ? "none" : undefined),
    idleTimeout: idle === "none" ? undefined : idle,
  };
}
