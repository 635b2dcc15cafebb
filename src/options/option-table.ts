/**
 * Every option, once: where it may be set, how it is validated and resolved, and how a value
 * merges over the one it inherits (a child client's over its parent's, a request's over its
 * client's). The table is the registry (unknown keys, "did you mean"), the validator and the
 * merge rule; adding an option is one entry (a shared option's `root` is its default, and its
 * resolved type is its `resolve`'s). Options are read as own properties only, never through a
 * prototype setter, so options parsed from untrusted JSON (`{"__proto__": {...}}`) cannot smuggle
 * a field past the checks.
 */
import { check, checkFunction, optionError } from "./option-error.js";
import { mergeHeaders, type HeaderRecord } from "../http/headers.js";
import { normaliseQuery, parseBaseUrl } from "../http/url.js";
import { bare, closest } from "./option-keys.js";
import type { ClientOptions, FetchFunction, Hooks, Progress, RequestOptions, TokenOption } from "./options.js";
import { DEFAULT_POLICY, resolveRetry, type RetryPolicy } from "../resilience/retry.js";
import { DEFAULT_TIMEOUT, durationOption, resolveTiers, resolveTimeout, type ResolvedTimeout, type Tiers } from "../resilience/timeouts.js";
import { isUploadTracker } from "../http/upload-tracker.js";
import { resolveMaxConcurrent } from "../resilience/concurrency.js";
import { resolveHedge } from "../resilience/hedge.js";
import { resolveTracer, tracingListener } from "../observe/tracing.js";

/** Where an option may be set (bits: 1 a client, 2 a request; 4 a RequestInit field passed to fetch). */
const CLIENT = 1;
const REQUEST = 2;
const BOTH = 3;
const PASS = 7;

/** What a resolver may read besides the value: the tier lengths. */
export interface Scope {
  readonly tiers: Tiers;
}

interface Entry {
  readonly at: 1 | 2 | 3 | 7;
  /** The field the resolved value goes to (default: the option's name). */
  readonly to?: string;
  /** A shared option's value before any client sets it (none: undefined). */
  readonly root?: unknown;
  /** Validates `value` and resolves it over `current` (the inherited value). Without it: kept as given. */
  readonly resolve?: (value: never, current: never, scope: Scope, request: boolean) => unknown;
}

/** Hooks as arrays, never undefined. */
export interface HookLists {
  readonly beforeRequest: NonNullable<Hooks["beforeRequest"]>;
  readonly beforeRetry: NonNullable<Hooks["beforeRetry"]>;
  readonly afterResponse: NonNullable<Hooks["afterResponse"]>;
  readonly beforeError: NonNullable<Hooks["beforeError"]>;
}

const HOOK_NAMES = ["beforeRequest", "beforeRetry", "afterResponse", "beforeError"] as const;

/** Appends hook lists (the inherited ones first, then the given ones). */
function appendHooks(extra: unknown, base: HookLists): HookLists {
  check(typeof extra === "object" && extra !== null && !Array.isArray(extra), "hooks", "must be an object of arrays");
  const out = { ...base } as Record<keyof HookLists, unknown[]>;
  for (const name of Object.keys(extra as object)) {
    check((HOOK_NAMES as readonly string[]).includes(name), "hooks", `has no hook ${JSON.stringify(name.slice(0, 64))}: use ${HOOK_NAMES.join(", ")}`);
    const list = (extra as Record<string, unknown>)[name];
    if (list === undefined) continue;
    check(Array.isArray(list) && Array.from(list as unknown[]).every((h) => typeof h === "function"), `hooks.${name}`, "must be an array of functions");
    out[name as keyof HookLists] = [...base[name as keyof HookLists], ...(list as unknown[])];
  }
  return out as unknown as HookLists;
}

/** RequestInit fields tierfetch sets itself on every attempt. */
const RESERVED_INIT = new Set(["method", "headers", "body", "signal", "duplex", "__proto__"]);

/** The `init` escape hatch: its fields over the inherited ones, none that tierfetch sets itself. */
function mergeInit(value: unknown, base: Record<string, unknown>): Record<string, unknown> {
  check(typeof value === "object" && value !== null, "init", "must be an object of RequestInit fields");
  const out = Object.assign(bare(), base);
  for (const k of Object.keys(value as object)) {
    check(!RESERVED_INIT.has(k) && !isOwnOption(k), `init.${k.slice(0, 64)}`, "is set by tierfetch: use its own option");
    out[k] = (value as Record<string, unknown>)[k];
  }
  return out;
}

const boolean = (value: unknown, name: string): boolean => (check(typeof value === "boolean", name, "must be true or false"), value as boolean);
const fn = <F>(value: F, name: string): F => (checkFunction(value, name), value);

/** An AbortSignal, or anything that behaves as one (a signal from another realm or polyfill). */
function isSignal(value: unknown): boolean {
  const s = value as AbortSignal;
  return typeof s === "object" && typeof s.aborted === "boolean" && typeof s.addEventListener === "function" && typeof s.removeEventListener === "function";
}

const passed: Entry = { at: PASS };
const given: Entry = { at: REQUEST };

type Name = keyof ClientOptions | keyof RequestOptions | "window";

// Every option of the types must have its entry (a missing one fails to compile). The order is
// the "did you mean" order: on a tie, the first name wins.
const OPTIONS = {
  baseUrl: { at: CLIENT, to: "base", resolve: parseBaseUrl },
  token: {
    at: CLIENT,
    resolve: (v: TokenOption): TokenOption => (check((typeof v === "string" && v !== "") || typeof v === "function", "token", "must be a non-empty string or a function"), v),
  },
  timeouts: { at: CLIENT, to: "tiers", resolve: resolveTiers },
  fetch: { at: CLIENT, resolve: (v: FetchFunction) => fn(v, "fetch") },
  allowHttp: { at: CLIENT, resolve: (v: unknown) => boolean(v, "allowHttp") },
  maxConcurrent: { at: CLIENT, to: "limiter", resolve: resolveMaxConcurrent },
  hedge: { at: CLIENT, resolve: resolveHedge },
  tracer: { at: CLIENT, to: "listeners", resolve: (v: unknown) => [tracingListener(resolveTracer(v))] },
  json: given,
  body: given,
  signal: { at: REQUEST, resolve: (v: unknown) => (check(v === null || isSignal(v), "signal", "must be an AbortSignal"), v ?? undefined) },
  idempotencyKey: given,
  onUploadProgress: {
    at: REQUEST,
    resolve: (v: unknown) => (check(isUploadTracker(v), "onUploadProgress", "must be made by trackUpload()"), v),
  },
  headers: { at: BOTH, root: {}, resolve: (v: RequestOptions["headers"], current: HeaderRecord): HeaderRecord => mergeHeaders(current, v) },
  query: { at: BOTH, resolve: normaliseQuery },
  timeout: {
    at: BOTH,
    root: DEFAULT_TIMEOUT,
    resolve: (v: NonNullable<RequestOptions["timeout"]>, _: unknown, scope: Scope): ResolvedTimeout => resolveTimeout(v, scope.tiers),
  },
  idleTimeout: { at: BOTH, resolve: (v: number): number | undefined => durationOption(v, "idleTimeout") },
  retry: {
    at: BOTH,
    root: DEFAULT_POLICY,
    resolve: (v: RequestOptions["retry"], current: RetryPolicy, _: Scope, request: boolean): RetryPolicy => {
      // One budget per client family: a request may stay out of it (false), not bring its own.
      const budget = typeof v === "object" && v !== null ? (v as { budget?: unknown }).budget : undefined;
      check(!request || budget === undefined || budget === false, "retry.budget", "is client-wide: set it in createClient() or extend(); a request may only turn it off (false)");
      return resolveRetry(v, current);
    },
  },
  throwHttpErrors: { at: BOTH, root: true, resolve: (v: unknown): boolean => boolean(v, "throwHttpErrors") },
  onDownloadProgress: { at: BOTH, resolve: (v: (p: Progress) => void): ((p: Progress) => void) | undefined => fn(v, "onDownloadProgress") },
  hooks: { at: BOTH, root: { beforeRequest: [], beforeRetry: [], afterResponse: [], beforeError: [] }, resolve: appendHooks },
  init: { at: BOTH, root: /* @__PURE__ */ bare(), resolve: mergeInit },
  credentials: passed,
  redirect: passed,
  cache: passed,
  mode: passed,
  keepalive: passed,
  priority: passed,
  referrer: passed,
  referrerPolicy: passed,
  integrity: passed,
  window: passed,
  cf: passed, // Workers
  dispatcher: passed, // undici
  client: passed, // Deno
} satisfies Record<Name, Entry>;

type Table = typeof OPTIONS;
type SharedName = { [K in keyof Table]: Table[K] extends { at: typeof BOTH } ? K : never }[keyof Table];

/** What a client and a request both set, resolved: each shared option's `resolve` result. */
export type Shared = { -readonly [K in SharedName]: ReturnType<Table[K]["resolve"]> };

/** The shared options before any client sets them: each one's `root`. */
export const ROOT: Shared = /* @__PURE__ */ roots();
function roots(): Shared {
  const out: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(OPTIONS as Record<string, Entry>)) if (entry.at === BOTH) out[name] = entry.root;
  return out as Shared;
}

/** True for an option tierfetch handles itself (not a RequestInit field passed through). */
export function isOwnOption(key: string): boolean {
  return Object.hasOwn(OPTIONS, key) && OPTIONS[key as Name].at !== PASS;
}

/**
 * Validates `options` and resolves each one into `target` over the value `target` holds (the
 * inherited one): into the field the entry names, RequestInit fields into `target.init` (copied
 * before it is written). `request`: whether these are a request's options (else a client's).
 * Unknown keys, and keys set in the wrong place, throw a TypeError naming the option.
 */
export function applyOptions(options: object, target: object, scope: Scope, request: boolean): void {
  check(typeof options === "object" && options !== null, "options", "must be an object");
  const t = target as Record<string, unknown> & { init: Record<string, unknown> };
  let init: Record<string, unknown> | undefined;
  for (const key of Object.keys(options)) {
    const value = (options as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (!Object.hasOwn(OPTIONS, key)) throw unknownOption(key);
    const entry: Entry = OPTIONS[key as Name];
    if (!(entry.at & (request ? REQUEST : CLIENT))) {
      throw optionError(key, request ? "is a client option: set it in createClient() or extend()" : "is a request option: pass it to a request, not to createClient()");
    }
    if (entry.at === PASS) {
      if (init !== t.init) init = t.init = Object.assign(bare(), t.init);
      init[key] = value;
    } else {
      const to = entry.to ?? key;
      t[to] = entry.resolve ? entry.resolve(value as never, t[to] as never, scope, request) : value;
    }
  }
}

function unknownOption(key: string): TypeError {
  // get(url, { method: "DELETE" }) would silently send GET: the method is the shortcut's.
  if (key === "method") return optionError(key, "is set by the shortcut: use api.request(method, url, options) or the method's own shortcut");
  const guess = closest(key, Object.keys(OPTIONS));
  return optionError(key.slice(0, 64), `is not an option${guess ? `: did you mean "${guess}"?` : ": to pass a RequestInit field tierfetch does not know, use init: { … }"}`);
}
