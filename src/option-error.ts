/** The one shape of a bad-option error: a TypeError naming the option. */
export function optionError(name: string, problem: string): TypeError {
  return new TypeError(`tierfetch: option "${name}" ${problem}`);
}

/** Throws {@link optionError} unless `ok`. */
export function check(ok: unknown, name: string, problem: string): void {
  if (!ok) throw optionError(name, problem);
}
