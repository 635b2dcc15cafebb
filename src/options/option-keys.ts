/**
 * Reading an options object safely: only the known names (a typo is a TypeError with a "did
 * you mean"), own properties only, and never through a prototype setter, so options parsed
 * from untrusted JSON (`{"__proto__": {...}}`) cannot smuggle a field past the checks.
 */
import { optionError } from "./option-error.js";
import { OPTION_NAMES, isOwnOption, isPassThrough } from "./options.js";

/**
 * Calls `own(key, value)` for each tierfetch option and `pass(key, value)` for each RequestInit
 * field of `options` (undefined values skipped). Any other key throws.
 */
export function eachOption(options: object, own: (key: string, value: unknown) => void, pass?: (key: string, value: unknown) => void): void {
  for (const key of Object.keys(options)) {
    const value = (options as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (isOwnOption(key)) own(key, value);
    else if (pass && isPassThrough(key)) pass(key, value);
    else throw unknownOption(key, pass !== undefined);
  }
}

/** A record without a prototype: no `__proto__` setter, no inherited keys. */
export function bare<T = unknown>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function unknownOption(key: string, request: boolean): TypeError {
  // get(url, { method: "DELETE" }) would silently send GET: the method is the shortcut's.
  if (key === "method") return optionError(key, "is set by the shortcut: use api.request(method, url, options) or the method's own shortcut");
  const guess = closest(key, OPTION_NAMES);
  const hint = guess ? `: did you mean "${guess}"?` : request ? ': to pass a RequestInit field tierfetch does not know, use init: { … }' : "";
  return optionError(key.slice(0, 64), `is not an option${hint}`);
}

/** The name nearest to `key` by edit distance, when it is near enough to be a typo. */
export function closest(key: string, names: readonly string[]): string | undefined {
  if (key.length > 64) return undefined;
  let best: string | undefined;
  // Near enough to be a typo: up to 2 edits, or 45 % of the key's length ("retires" → "retry").
  let bestDistance = Math.max(2, Math.ceil(key.length * 0.45)) + 1;
  const lower = key.toLowerCase();
  for (const name of names) {
    const d = distance(lower, name.toLowerCase());
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance, with a transposition counted as one edit. */
function distance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[0]!.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]!.push(d);
    }
  }
  return rows[a.length]![b.length]!;
}
