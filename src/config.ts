/**
 * A client's options normalised once (ky's habit): validated values, milliseconds, lower-case
 * header records, query pairs. Every later step reads this, never the raw options. The options
 * a client and a request share are resolved by one function, a request's over its client's.
 */
import { check, checkFunction } from "./option-error.js";
import { Closer } from "./closer.js";
import { mergeHeaders, type HeaderRecord } from "./headers.js";
import { isOwnOption, type ClientOptions, type CommonOptions, type FetchFunction, type Hooks, type Progress, type TokenOption } from "./options.js";
import { defaultPolicy, resolveRetry, type RetryPolicy } from "./retry.js";
import { RetryBudget } from "./retry-budget.js";
import { createStats, type Stats } from "./stats.js";
import { durationOption, resolveTiers, resolveTimeout, type ResolvedTimeout, type Tiers } from "./timeouts.js";
import { normaliseQuery, parseBaseUrl, type BaseUrl, type QueryPairs } from "./url.js";

/** Hooks as arrays, never undefined. */
export interface HookLists {
  beforeRequest: NonNullable<Hooks["beforeRequest"]>;
  beforeRetry: NonNullable<Hooks["beforeRetry"]>;
  afterResponse: NonNullable<Hooks["afterResponse"]>;
  beforeError: NonNullable<Hooks["beforeError"]>;
}

/** What a client and a request both set (besides headers and query), resolved. */
export interface Shared {
  timeout: ResolvedTimeout;
  idleTimeout: number | undefined;
  retry: RetryPolicy;
  throwHttpErrors: boolean;
  onDownloadProgress: ((p: Progress) => void) | undefined;
  hooks: HookLists;
}

/** What a client holds after normalisation. */
export interface ClientConfig extends Shared {
  /** The options as given, merged along `extend()`, for the next `extend()`. */
  raw: ClientOptions;
  base: BaseUrl | undefined;
  token: TokenOption | undefined;
  headers: HeaderRecord;
  query: QueryPairs | undefined;
  tiers: Tiers;
  budget: RetryBudget | undefined;
  fetch: FetchFunction | undefined;
  allowHttp: boolean;
  /** RequestInit fields passed through to fetch. */
  init: Record<string, unknown>;
  stats: Stats;
  /** What close() aborts: this client's operations in flight, and its children's. */
  closer: Closer;
}

const EMPTY_HOOKS: HookLists = { beforeRequest: [], beforeRetry: [], afterResponse: [], beforeError: [] };

/** Appends hook lists (client's first, then the request's). */
export function appendHooks(base: HookLists, extra: Hooks | undefined): HookLists {
  if (extra === undefined) return base;
  check(typeof extra === "object" && extra, "hooks", "must be an object of arrays");
  const out = { ...base };
  for (const name of Object.keys(extra) as (keyof Hooks)[]) {
    check(name in EMPTY_HOOKS, "hooks", `has no hook ${JSON.stringify(name)}`);
    const list = extra[name];
    if (list === undefined) continue;
    check(Array.isArray(list) && list.every((h) => typeof h === "function"), `hooks.${name}`, "must be an array of functions");
    (out as Record<string, unknown[]>)[name] = [...base[name], ...list];
  }
  return out;
}

/** A copy of `into` with the RequestInit fields of `options` that pass through to fetch. */
export function passThrough(options: object, into?: object): Record<string, unknown> {
  const out: Record<string, unknown> = { ...into };
  for (const key of Object.keys(options)) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined && !isOwnOption(key)) out[key] = value;
  }
  return out;
}

/**
 * Resolves the options a client and a request share, over `base` (a request's client), and sets
 * them on `into` (assigned rather than spread: a spread of a non-literal object is slow in V8,
 * and this is on every request's path).
 */
export function resolveShared<T extends object>(o: CommonOptions, base: Shared, tiers: Tiers, into: T): T & Shared {
  checkFunction(o.onDownloadProgress, "onDownloadProgress");
  const out = into as T & Shared;
  out.timeout = o.timeout == null ? base.timeout : resolveTimeout(o.timeout, tiers);
  out.idleTimeout = o.idleTimeout === undefined ? base.idleTimeout : durationOption(o.idleTimeout, "idleTimeout");
  out.retry = o.retry === undefined ? base.retry : resolveRetry(o.retry, base.retry);
  out.throwHttpErrors = o.throwHttpErrors ?? base.throwHttpErrors;
  out.onDownloadProgress = o.onDownloadProgress ?? base.onDownloadProgress;
  out.hooks = appendHooks(base.hooks, o.hooks);
  return out;
}

/** Validates and normalises client options; `parent` gives what `extend()` inherits. */
export function normaliseClient(options: ClientOptions, parent?: ClientConfig): ClientConfig {
  check(typeof options === "object" && options, "options", "must be an object");
  const raw = parent ? mergeRaw(parent.raw, options) : options;
  const tiers = resolveTiers(raw.timeouts);
  checkFunction(raw.fetch, "fetch");
  check(raw.token === undefined || typeof raw.token === "string" || typeof raw.token === "function", "token", "must be a string or a function");
  const defaults: Shared = {
    timeout: { ms: tiers.medium, tier: "medium" },
    idleTimeout: undefined,
    retry: defaultPolicy(),
    throwHttpErrors: true,
    onDownloadProgress: undefined,
    hooks: EMPTY_HOOKS,
  };
  const config: ClientConfig = resolveShared(raw, defaults, tiers, {
    raw,
    base: parseBaseUrl(raw.baseUrl),
    token: raw.token,
    // Headers and query merge over the parent's normalised ones.
    headers: mergeHeaders(parent?.headers, options.headers),
    query: normaliseQuery(options.query, parent?.query),
    tiers,
    budget: undefined as RetryBudget | undefined,
    fetch: raw.fetch,
    allowHttp: raw.allowHttp ?? false,
    init: passThrough(raw),
    stats: parent?.stats ?? createStats(),
    closer: new Closer(parent?.closer),
  });
  // One budget per client family: a child shares its parent's unless it sets its own.
  const budget = config.retry.budget;
  const ownBudget = typeof options.retry === "object" && options.retry?.budget !== undefined;
  config.budget = budget === false ? undefined : (!ownBudget && parent?.budget) || new RetryBudget(budget ?? {});
  return config;
}

/** `extend()` merging of raw options: hooks appended, timeouts and retry merged, the rest replaced. */
function mergeRaw(parent: ClientOptions, child: ClientOptions): ClientOptions {
  const out: ClientOptions = { ...parent, ...child };
  if (parent.timeouts && child.timeouts !== undefined) out.timeouts = { ...parent.timeouts, ...child.timeouts };
  const p = parent.retry;
  const c = child.retry;
  if (typeof p === "object" && p && ((typeof c === "object" && c) || typeof c === "number")) out.retry = { ...p, ...(typeof c === "number" ? { maxRetries: c } : c) };
  if (parent.hooks && child.hooks) out.hooks = appendHooks(appendHooks(EMPTY_HOOKS, parent.hooks), child.hooks);
  return out;
}
