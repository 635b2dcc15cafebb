/** Reading options safely: records without a prototype, own properties only, typo suggestions. */

/** A record without a prototype: no `__proto__` setter, no inherited keys. */
export function bare<T = unknown>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** An option as the table reads it: an own property only (an inherited one never decides anything). */
export function own(options: object, key: string): unknown {
  return Object.hasOwn(options, key) ? (options as Record<string, unknown>)[key] : undefined;
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
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = (d[i] = [i]);
    for (let j = 1; j <= b.length; j++) {
      row[j] = i
        ? Math.min(
            d[i - 1]![j]! + 1,
            row[j - 1]! + 1,
            d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
            i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1] ? d[i - 2]![j - 2]! + 1 : Infinity,
          )
        : j;
    }
  }
  return d[a.length]![b.length]!;
}
