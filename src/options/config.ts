/**
 * A client's options normalised once (ky's habit): validated values, milliseconds, lower-case
 * header records, query pairs. Every later step reads this, never the raw options. `extend()`
 * resolves a child's options over its parent's *normalised* config, so a child inherits
 * exactly what the parent resolved (a parent's `retry: 3` survives a child's `retry: { minDelay }`).
 */
import { check, checkFunction, optionError } from "./option-error.js";
import { Closer } from "../resilience/closer.js";
import { mergeHeaders, type HeaderRecord } from "../http/headers.js";
import { bare, eachOption } from "./option-keys.js";
import { isOwnOption, type ClientOptions, type CommonOptions, type FetchFunction, type HeadersOption, type Hooks, type Progress, type TokenOption } from "./options.js";
import { DEFAULT_POLICY, resolveRetry, type RetryPolicy } from "../resilience/retry.js";
import { RetryBudget } from "../resilience/retry-budget.js";
import { createStats, type Stats } from "../stats.js";
import { DEFAULT_TIERS, durationOption, resolveTiers, resolveTimeout, retier, type ResolvedTimeout, type Tiers } from "../resilience/timeouts.js";
import { normaliseQuery, parseBaseUrl, type BaseUrl, type QueryPairs } from "../http/url.js";
import type { UploadProgress } from "../http/upload-progress.js";
import type { AttemptListener } from "../pipeline/attempt-events.js";
import { tracerListeners } from "../observe/tracing.js";
import { removesAuthorization, withoutDefaultSecretParams, withoutDefaultSecrets } from "../security/default-credentials.js";

/** Hooks as arrays, never undefined. */
export interface HookLists {
  readonly beforeRequest: NonNullable<Hooks["beforeRequest"]>;
  readonly beforeRetry: NonNullable<Hooks["beforeRetry"]>;
  readonly afterResponse: NonNullable<Hooks["afterResponse"]>;
  readonly beforeError: NonNullable<Hooks["beforeError"]>;
}

/** What a client and a request both set, resolved. */
export interface Shared {
  headers: HeaderRecord;
  query: QueryPairs | undefined;
  timeout: ResolvedTimeout;
  idleTimeout: number | undefined;
  retry: RetryPolicy;
  throwHttpErrors: boolean;
  onDownloadProgress: ((p: Progress) => void) | undefined;
  hooks: HookLists;
  /** RequestInit fields passed through to fetch (a record without a prototype). */
  init: Record<string, unknown>;
}

/** What a client holds after normalisation. */
export interface ClientConfig extends Shared {
  readonly base: BaseUrl | undefined;
  readonly token: TokenOption | undefined;
  readonly tiers: Tiers;
  readonly budget: RetryBudget | undefined;
  readonly fetch: FetchFunction | undefined;
  readonly allowHttp: boolean;
  readonly stats: Stats;
  /** What close() aborts: this client's operations in flight, and its children's. */
  readonly closer: Closer;
  /** How `onUploadProgress` is served (the full client's; undefined: the option is refused). */
  readonly upload: UploadProgress | undefined;
  /** What hears each attempt's hops (the tracer's listener): empty when nothing listens. */
  readonly listeners: readonly AttemptListener[];
}

/** RequestInit fields tierfetch sets itself on every attempt. */
const RESERVED_INIT = new Set(["method", "headers", "body", "signal", "duplex", "__proto__"]);

const HOOK_NAMES = ["beforeRequest", "beforeRetry", "afterResponse", "beforeError"] as const;
const NO_HOOKS: HookLists = { beforeRequest: [], beforeRetry: [], afterResponse: [], beforeError: [] };

/** Appends hook lists (the base's first, then the extra ones). */
function appendHooks(base: HookLists, extra: unknown): HookLists {
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

/** An option as eachOption reads it: an own property only (an inherited one never decides anything). */
function own(options: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(options, key) ? options[key] : undefined;
}

function checkBoolean(value: unknown, name: string): boolean {
  check(typeof value === "boolean", name, "must be true or false");
  return value as boolean;
}

/**
 * Resolves the options a client and a request share over `base` (a parent client, or a
 * request's client) and the client-only ones through `clientOnly`. Unknown keys throw.
 */
export function resolveShared(options: CommonOptions, base: Shared, tiers: Tiers, clientOnly?: (key: string, value: unknown) => void): Shared {
  // The shared fields only, named (a spread of the whole ClientConfig would copy it all, per request).
  const out: Shared = {
    headers: base.headers,
    query: base.query,
    timeout: base.timeout,
    idleTimeout: base.idleTimeout,
    retry: base.retry,
    throwHttpErrors: base.throwHttpErrors,
    onDownloadProgress: base.onDownloadProgress,
    hooks: base.hooks,
    init: base.init,
  };
  let init: Record<string, unknown> | undefined;
  const pass = (key: string, value: unknown) => ((init ??= Object.assign(bare(), base.init))[key] = value);
  eachOption(
    options,
    (key, value) => {
      switch (key) {
        case "headers":
          return void (out.headers = mergeHeaders(base.headers, value as CommonOptions["headers"]));
        case "query":
          return void (out.query = normaliseQuery(value as CommonOptions["query"], base.query));
        case "timeout":
          return void (out.timeout = resolveTimeout(value as CommonOptions["timeout"] & {}, tiers));
        case "idleTimeout":
          return void (out.idleTimeout = durationOption(value as number, "idleTimeout"));
        case "retry":
          return void (out.retry = resolveRetry(value as CommonOptions["retry"], base.retry));
        case "throwHttpErrors":
          return void (out.throwHttpErrors = checkBoolean(value, key));
        case "onDownloadProgress":
          checkFunction(value, key);
          return void (out.onDownloadProgress = value as Shared["onDownloadProgress"]);
        case "hooks":
          return void (out.hooks = appendHooks(base.hooks, value));
        case "init":
          check(typeof value === "object" && value !== null, "init", "must be an object of RequestInit fields");
          for (const k of Object.keys(value as object)) {
            // What tierfetch builds itself cannot come in through the escape hatch.
            check(!RESERVED_INIT.has(k) && !isOwnOption(k), `init.${k.slice(0, 64)}`, "is set by tierfetch: use its own option");
            pass(k, (value as Record<string, unknown>)[k]);
          }
          return;
        default:
          if (!clientOnly) throw optionError(key, "is a client option: set it in createClient() or extend()");
          clientOnly(key, value);
      }
    },
    pass,
  );
  if (init) out.init = init;
  return out;
}

const ROOT: Shared = {
  headers: {},
  query: undefined,
  timeout: { ms: DEFAULT_TIERS.medium, tier: "medium" },
  idleTimeout: undefined,
  retry: DEFAULT_POLICY,
  throwHttpErrors: true,
  onDownloadProgress: undefined,
  hooks: NO_HOOKS,
  init: bare(),
};

/** Validates and normalises client options over `parent`'s config (what `extend()` inherits). */
export function normaliseClient(options: ClientOptions, parent?: ClientConfig, upload?: UploadProgress): ClientConfig {
  check(typeof options === "object" && options !== null, "options", "must be an object");
  const o = options as Record<string, unknown>;
  // Tier lengths first: the timeouts (own and inherited) are read against them.
  const timeouts = own(o, "timeouts");
  const tiers = timeouts === undefined ? (parent?.tiers ?? { ...DEFAULT_TIERS }) : resolveTiers(timeouts as ClientOptions["timeouts"], parent?.tiers);
  const inherited: Shared = parent ? { ...parent, timeout: retier(parent.timeout, tiers) } : { ...ROOT, timeout: retier(ROOT.timeout, tiers) };
  let base = parent?.base;
  let token = parent?.token;
  let fetch = parent?.fetch;
  let allowHttp = parent?.allowHttp ?? false;
  let ownToken = false;
  const shared = resolveShared(options, inherited, tiers, (key, value) => {
    switch (key) {
      case "baseUrl":
        return void (base = parseBaseUrl(value as string | URL));
      case "token":
        check((typeof value === "string" && value !== "") || typeof value === "function", "token", "must be a non-empty string or a function");
        ownToken = true;
        return void (token = value as TokenOption);
      case "fetch":
        checkFunction(value, "fetch");
        return void (fetch = value as FetchFunction);
      case "allowHttp":
        return void (allowHttp = checkBoolean(value, key));
      case "timeouts":
      case "tracer":
        return; // read apart
      default:
        throw optionError(key, "is a request option: pass it to a request, not to createClient()");
    }
  });
  // Credentials given for the parent's base origin stay there: a child that moves to another origin gives its own.
  const given = own(o, "headers") as HeadersOption | undefined;
  const moved = parent?.base !== undefined && base !== undefined && base.origin !== parent.base.origin;
  const headers = moved ? withoutDefaultSecrets(shared.headers, parent.headers, given) : shared.headers;
  const query = moved ? withoutDefaultSecretParams(shared.query, parent.query, own(o, "query") as ClientOptions["query"]) : shared.query;
  // The token is the default Authorization: gone with the origin, or with `headers: { authorization: undefined }`.
  if (!ownToken && (moved || removesAuthorization(given))) token = undefined;
  // One budget per client family: a child shares its parent's unless it sets its own.
  const budgetOption = shared.retry.budget;
  const retry = own(o, "retry");
  const ownBudget = typeof retry === "object" && retry !== null && (retry as { budget?: unknown }).budget !== undefined;
  const budget = budgetOption === false ? undefined : !ownBudget && parent ? parent.budget : new RetryBudget(budgetOption ?? {});
  return {
    ...shared,
    headers,
    query,
    base,
    token,
    tiers,
    budget,
    fetch,
    allowHttp,
    stats: parent?.stats ?? createStats(),
    closer: new Closer(parent?.closer),
    upload: parent ? parent.upload : upload,
    listeners: tracerListeners(own(o, "tracer"), parent?.listeners),
  };
}

