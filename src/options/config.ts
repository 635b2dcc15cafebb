/**
 * A client's options normalised once (ky's habit): validated values, milliseconds, lower-case
 * header records, query pairs. Every later step reads this, never the raw options. `extend()`
 * resolves a child's options over its parent's *normalised* config, so a child inherits
 * exactly what the parent resolved (a parent's `retry: 3` survives a child's `retry: { minDelay }`).
 */
import { Closer } from "../resilience/closer.js";
import type { HeadersOption, ClientOptions, FetchFunction, TokenOption } from "./options.js";
import { applyOptions, ROOT, type Shared } from "./option-table.js";
import { own } from "./option-keys.js";
import { RetryBudget } from "../resilience/retry-budget.js";
import { createStats, type Stats } from "../stats.js";
import { DEFAULT_TIERS, retier, type Tiers } from "../resilience/timeouts.js";
import type { BaseUrl } from "../http/url.js";
import type { AttemptListener } from "../pipeline/attempt-events.js";
import type { Limiter } from "../resilience/concurrency.js";
import type { Hedge } from "../resilience/hedge.js";
import { removesAuthorization, withoutDefaultSecretParams, withoutDefaultSecrets } from "../security/default-credentials.js";

export type { Shared } from "./option-table.js";

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
  /** What hears each attempt's requests and retries (tracing): empty by default; a child inherits its parent's unless it sets its own tracer. */
  readonly listeners: AttemptListener[];
  /** The slots of `maxConcurrent` (undefined: no limit): a child shares its parent's unless it sets its own. */
  readonly limiter: Limiter | undefined;
  /** Hedged requests (undefined: none), with the times to headers the family has seen. */
  readonly hedge: Hedge | undefined;
}

/** Validates and normalises client options over `parent`'s config (what `extend()` inherits). */
export function normaliseClient(options: ClientOptions, parent?: ClientConfig): ClientConfig {
  // Each option resolved over what the parent resolved (or the defaults), by the option table.
  const c = { ...(parent ?? ROOT), base: parent?.base, token: parent?.token, fetch: parent?.fetch, allowHttp: parent?.allowHttp ?? false, tiers: parent?.tiers ?? { ...DEFAULT_TIERS }, listeners: parent?.listeners ?? [], limiter: parent?.limiter, hedge: parent?.hedge };
  applyOptions(options, c, c, false);
  // A timeout named by its tier (own or inherited) follows this client's tier lengths.
  c.timeout = retier(c.timeout, c.tiers);
  // Credentials given for the parent's base origin stay there: a child that moves to another origin gives its own.
  const given = own(options, "headers") as HeadersOption | undefined;
  const moved = parent?.base !== undefined && c.base !== undefined && c.base.origin !== parent.base.origin;
  if (moved) {
    c.headers = withoutDefaultSecrets(c.headers, parent.headers, given);
    c.query = withoutDefaultSecretParams(c.query, parent.query, own(options, "query") as ClientOptions["query"]);
  }
  // The token is the default Authorization: gone with the origin, or with `headers: { authorization: undefined }`.
  if (own(options, "token") === undefined && (moved || removesAuthorization(given))) c.token = undefined;
  // One budget per client family: a child shares its parent's unless it sets its own.
  const budgetOption = c.retry.budget;
  const retry = own(options, "retry");
  const ownBudget = typeof retry === "object" && retry !== null && (retry as { budget?: unknown }).budget !== undefined;
  const budget = budgetOption === false ? undefined : !ownBudget && parent ? parent.budget : new RetryBudget(budgetOption ?? {});
  return {
    ...c,
    budget,
    stats: parent?.stats ?? createStats(),
    closer: new Closer(parent?.closer),
  };
}
