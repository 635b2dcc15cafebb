/**
 * The flag table and a parser that reads flags the way curl users type them: `-XPOST`,
 * `-X POST`, `-sSL`, `-H'Name: v'`, `--name value`, `--name=value`, `--no-color`, `--`.
 * A flag's value is always the next word, even when it starts with `-` (`--retries -1` is
 * then checked as a number, not taken for a flag).
 */
import { UsageError } from "./usage-error.js";

interface FlagSpec {
  /** Takes a value. */
  value: boolean;
  /** May be given more than once (a value flag collects every value). */
  repeat?: boolean;
  /** `--no-NAME` sets it false. */
  negatable?: boolean;
  short?: string;
}

/** Every flag, by its long name. Aliases (`--follow` for `-L`) point at the same entry below. */
const FLAGS: Record<string, FlagSpec> = {
  request: { value: true, short: "X" },
  header: { value: true, repeat: true, short: "H" },
  data: { value: true, repeat: true, short: "d" },
  json: { value: true },
  query: { value: true, repeat: true },
  user: { value: true, short: "u" },
  timeout: { value: true },
  "idle-timeout": { value: true },
  retries: { value: true },
  output: { value: true, short: "o" },
  "remote-name": { value: false, short: "O" },
  "max-time": { value: true, short: "m" },
  head: { value: false, short: "I" },
  "token-env": { value: true },
  pretty: { value: true },
  include: { value: false, short: "i" },
  location: { value: false, short: "L" },
  fail: { value: false, short: "f" },
  silent: { value: false, short: "s" },
  "show-error": { value: false, short: "S" },
  lines: { value: false },
  ndjson: { value: false },
  sse: { value: false },
  raw: { value: false },
  verbose: { value: false, short: "v" },
  quiet: { value: false, short: "q" },
  help: { value: false, short: "h" },
  version: { value: false },
  "allow-http": { value: false },
  color: { value: false, negatable: true },
};
/** Other spellings users bring from HTTPie and xh. */
const ALIASES: Record<string, string> = { follow: "location", auth: "user", retry: "retries" };
const SHORT: Record<string, string> = { a: "user", F: "location" };
for (const [name, spec] of Object.entries(FLAGS)) if (spec.short) SHORT[spec.short] = name;

export interface Flags {
  /** Value flags, each value in command-line order. */
  values: Map<string, string[]>;
  /** Boolean flags that were given (true, or false after `--no-`). */
  switches: Map<string, boolean>;
  positional: string[];
}

/** Splits `argv` (without `node` and the script) into flags and positional words. Throws {@link UsageError}. */
export function parseFlags(argv: readonly string[]): Flags {
  const flags: Flags = { values: new Map(), switches: new Map(), positional: [] };
  const take = (name: string, shown: string, attached: string | undefined, i: number): number => {
    const spec = FLAGS[name]!;
    if (!spec.value) {
      if (attached !== undefined) throw new UsageError(`${shown} takes no value`);
      flags.switches.set(name, true);
      return i;
    }
    let value = attached;
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`${shown} needs a value`);
      value = argv[++i]!;
    }
    const list = flags.values.get(name) ?? [];
    if (list.length > 0 && !spec.repeat) throw new UsageError(`${shown} given more than once`);
    list.push(value);
    flags.values.set(name, list);
    return i;
  };

  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "--") {
      flags.positional.push(...argv.slice(i + 1));
      break;
    }
    if (word.startsWith("--")) {
      const eq = word.indexOf("=");
      const given = eq < 0 ? word.slice(2) : word.slice(2, eq);
      const attached = eq < 0 ? undefined : word.slice(eq + 1);
      const negated = given.startsWith("no-") && FLAGS[given.slice(3)]?.negatable;
      if (negated) {
        if (attached !== undefined) throw new UsageError(`--${given} takes no value`);
        flags.switches.set(given.slice(3), false);
        continue;
      }
      const name = FLAGS[given] ? given : ALIASES[given];
      if (!name) throw new UsageError(`unknown option --${given}${suggest(given)}`);
      i = take(name, `--${given}`, attached, i);
    } else if (word.length > 1 && word.startsWith("-")) {
      // A cluster: switches until a value flag, which takes the rest of the word or the next one.
      for (let j = 1; j < word.length; j++) {
        const name = SHORT[word[j]!];
        if (!name) throw new UsageError(`unknown option -${word[j]}${j > 1 ? ` (in ${word})` : ""}`);
        if (FLAGS[name]!.value) {
          i = take(name, `-${word[j]}`, j + 1 < word.length ? word.slice(j + 1) : undefined, i);
          break;
        }
        take(name, `-${word[j]}`, undefined, i);
      }
    } else flags.positional.push(word);
  }
  return flags;
}

/** ` (did you mean --retries?)` for a near miss. */
function suggest(given: string): string {
  const names = [...Object.keys(FLAGS), ...Object.keys(ALIASES)];
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of names) {
    const d = distance(given, name);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best ? ` (did you mean --${best}?)` : "";
}

/** Levenshtein distance, for the suggestion only (flag names are short). */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2 || a.length > 40) return 99;
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}
