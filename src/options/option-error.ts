/** The one shape of a bad-option error: a TypeError naming the option. */
export function optionError(name: string, problem: string): TypeError {
  return new TypeError(`tierfetch: option "${name}" ${problem}`);
}

/** Throws {@link optionError} unless `ok`. */
export function check(ok: unknown, name: string, problem: string): void {
  if (!ok) throw optionError(name, problem);
}

/** Throws unless `value` is undefined or a function. */
export function checkFunction(value: unknown, name: string): void {
  check(value === undefined || typeof value === "function", name, "must be a function");
}

/** Throws unless `value` is a finite number >= `min` (a whole number when `whole`). */
export function checkNumber(value: unknown, name: string, min: number, whole?: boolean): void {
  check(typeof value === "number" && value >= min && value < Infinity && (!whole || Number.isInteger(value)), name, `must be a ${whole ? "whole" : "finite"} number >= ${min}`);
}
