/// <reference types="node" />
/** Whether a stream gets colours: only a terminal, never with NO_COLOR, always with FORCE_COLOR. */
import pc from "picocolors";

export type Colors = ReturnType<typeof pc.createColors>;

/** `--no-color` and NO_COLOR (https://no-color.org: set and not empty) turn colours off everywhere. */
export function colorAllowed(env: NodeJS.ProcessEnv, flag: boolean): boolean {
  return flag && (env.NO_COLOR === undefined || env.NO_COLOR === "");
}

/**
 * NO_COLOR and `--no-color` win; then FORCE_COLOR (not "0" or "false"); then a dumb terminal
 * has none; then only a TTY gets colours.
 */
export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, flag: boolean): boolean {
  if (!colorAllowed(env, flag)) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== "0" && force !== "false") return true;
  if (env.TERM === "dumb") return false;
  return stream.isTTY === true;
}

export function colors(enabled: boolean): Colors {
  return pc.createColors(enabled);
}
