/**
 * A client's options normalised once (ky's habit): validated values, milliseconds, lower-case
 * header records, query pairs. Every later step reads this, never the raw options.
 */
import { check } from "./option-error.js";
import { Closer } from "./closer.js";
import { mergeHeaders, type HeaderRecord } from "./headers.js";
import {
  OWN_OPTIONS, type ClientOptions, type FetchFunction, type Hooks, type Progress, type TimeoutOption, type TokenOption,
} from "./options.js";
import { resolveRetry, type RetryPolicy } from "./retry.js";
import { RetryBudget } from "./retry-budget.js";
import type { Stats } from "./stats.js";
import { durationOption, resolveTiers, resolveTimeout, type Tiers } from "./timeouts.js";
import { normaliseQuery, parseBaseUrl, type BaseUrl, type QueryPairs } from "./url.js";

/** Hooks as arrays, never undefined. */
export interface HookLists {
  beforeRequest: NonNullable<Hooks["beforeRequest"]>;
  beforeRetry: NonNullable<Hooks["beforeRetry"]>;
  afterResponse: NonNullable<Hooks["afterResponse"]>;
  beforeError: NonNullable<Hooks["beforeError"]>;
}

/** What a client holds after normalisation. */
export interface ClientConfig {
  /** The options as given, merged along `extend()`, for the next `extend()`. */
  raw: ClientOptions;
  base: BaseUrl | undefined;
  token: TokenOption | undefined;
  headers: HeaderRecord;
  query: QueryPairs | undefined;
  tiers: Tiers;
  timeout: TimeoutOption;
  idleTimeout: number | undefined;
  retry: RetryPolicy;
  budget: RetryBudget | undefined;
  hooks: HookLists;
  fetch: FetchFunction | undefined;
  throwHttpErrors: boolean;
  allowHttp: boolean;
  onDownloadProgress: ((p: Progress) => void) | undefined;
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

/** Collects the RequestInit fields that pass through to fetch. */
export function passThrough(options: object, into?: Record<string, unknown>): Record<string, unknown> {
  let out = into;
  for (const key of Object.keys(options)) {
    if (OWN_OPTIONS.has(key)) continue;
    const value = (options as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (out === into) out = { ...into };
    out![key] = value;
  }
  return out ?? {};
}

/** Validates and normalises client options; `parent` gives what `extend()` inherits. */
export function normaliseClient(options: ClientOptions, parent?: ClientConfig): ClientConfig {
  check(typeof options === "object" && options, "options", "must be an object");
  const raw = parent ? mergeRaw(parent.raw, options) : options;
  const tiers = resolveTiers(raw.timeouts);
  const timeout = raw.timeout ?? "medium";
  resolveTimeout(timeout, tiers); // validates now, resolved per request
  check(raw.fetch === undefined || typeof raw.fetch === "function", "fetch", "must be a function");
  check(raw.token === undefined || typeof raw.token === "string" || typeof raw.token === "function", "token", "must be a string or a function");
  check(raw.onDownloadProgress === undefined || typeof raw.onDownloadProgress === "function", "onDownloadProgress", "must be a function");
  const retry = resolveRetry(raw.retry);
  // One budget per client family: a child shares its parent's unless it sets its own.
  const ownBudget = typeof options.retry === "object" && options.retry !== null && options.retry.budget !== undefined;
  const budget = retry.budget === false ? undefined : parent && !ownBudget && parent.budget ? parent.budget : new RetryBudget(retry.budget ?? {});
  return {
    raw,
    base: raw.baseUrl === undefined ? undefined : parseBaseUrl(raw.baseUrl),
    token: raw.token,
    headers: mergeHeaders(undefined, raw.headers),
    query: normaliseQuery(raw.query),
    tiers,
    timeout,
    idleTimeout: raw.idleTimeout === undefined ? undefined : durationOption("idleTimeout", raw.idleTimeout),
    retry,
    budget,
    hooks: appendHooks(EMPTY_HOOKS, raw.hooks),
    fetch: raw.fetch,
    throwHttpErrors: raw.throwHttpErrors ?? true,
    allowHttp: raw.allowHttp ?? false,
    onDownloadProgress: raw.onDownloadProgress,
    init: passThrough(raw),
    stats: parent?.stats ?? (undefined as unknown as Stats),
    closer: new Closer(parent?.closer),
  };
}

/** `extend()` merging: headers and query merged, hooks appended, timeouts and retry merged, the rest replaced. */
function mergeRaw(parent: ClientOptions, child: ClientOptions): ClientOptions {
  const out: ClientOptions = { ...parent, ...child };
  if (parent.headers !== undefined && child.headers !== undefined) out.headers = mergeHeaders(mergeHeaders(undefined, parent.headers), child.headers) as ClientOptions["headers"];
  if (parent.query !== undefined && child.query !== undefined) out.query = mergeQueryRaw(parent.query, child.query);
  if (parent.timeouts !== undefined && child.timeouts !== undefined) out.timeouts = { ...parent.timeouts, ...child.timeouts };
  if (typeof parent.retry === "object" && parent.retry && typeof child.retry === "object" && child.retry) out.retry = { ...parent.retry, ...child.retry };
  else if (typeof parent.retry === "object" && parent.retry && typeof child.retry === "number") out.retry = { ...parent.retry, maxRetries: child.retry };
  if (parent.hooks !== undefined && child.hooks !== undefined) {
    const merged = appendHooks(appendHooks(EMPTY_HOOKS, parent.hooks), child.hooks);
    out.hooks = merged;
  }
  return out;
}

function mergeQueryRaw(a: NonNullable<ClientOptions["query"]>, b: NonNullable<ClientOptions["query"]>): NonNullable<ClientOptions["query"]> {
  const pairs = normaliseQuery(b, normaliseQuery(a))!;
  const out: Record<string, string[] | undefined> = {};
  for (const [k, v] of pairs) out[k] = v;
  return out;
}
