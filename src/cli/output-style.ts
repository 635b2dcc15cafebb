/**
 * HTTPie's `--pretty` for stdout: on a terminal (or with FORCE_COLOR) JSON is indented and
 * coloured; into a pipe or a file the body goes byte for byte, so `| jq` and `| head -c 100`
 * get exactly what the server sent.
 */
import type { Pretty } from "./args.js";
import { colorAllowed, wantsColor } from "./colors.js";

export interface OutputStyle {
  /** Indent JSON. */
  format: boolean;
  /** Colour JSON and headers. */
  color: boolean;
}

export function outputStyle(pretty: Pretty | undefined, stdout: { isTTY?: boolean }, env: NodeJS.ProcessEnv, colorFlag: boolean): OutputStyle {
  const mode = pretty ?? (stdout.isTTY === true || wantsColor(stdout, env, colorFlag) ? "all" : "none");
  return {
    format: mode === "all" || mode === "format",
    color: (mode === "all" || mode === "colors") && colorAllowed(env, colorFlag),
  };
}

/** True when the body may be changed on its way to stdout (else it is copied as it arrives). */
export const isPretty = (style: OutputStyle): boolean => style.format || style.color;
