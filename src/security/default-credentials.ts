/**
 * A client's default credentials — the token, secret-named default headers, secret-named
 * default query parameters — were given for its base origin: one set of rules for what a
 * request to another origin sends of them (pipeline/plan.ts) and what an `extend()` child on
 * another origin keeps of its parent's (options/config.ts).
 */
import { headerEntries, type HeaderRecord } from "../http/headers.js";
import type { QueryPairs } from "../http/url.js";
import type { HeadersOption, QueryOptions } from "../options/options.js";
import { isSecretHeader, isSecretParam } from "./secret-names.js";

/** `headers` without the secret-named ones that came from `defaults`, unless `given` sets them itself. */
export function withoutDefaultSecrets(headers: HeaderRecord, defaults: HeaderRecord, given: HeadersOption | undefined): HeaderRecord {
  const out = { ...headers };
  const own = headerEntries(given);
  for (const name of Object.keys(defaults)) if (isSecretHeader(name) && !Object.hasOwn(own, name)) delete out[name];
  return out;
}

/** True when `given` removes Authorization (`authorization: undefined` or `null`): the token is the default Authorization. */
export function removesAuthorization(given: HeadersOption | undefined): boolean {
  if (given == null) return false;
  const entries = headerEntries(given);
  return Object.hasOwn(entries, "authorization") && entries.authorization == null;
}

/** Whether `defaults` holds a secret-named parameter (`api_key`, `token`...): the rare case the query rule costs anything. */
export function hasSecretParam(defaults: QueryPairs | undefined): boolean {
  if (defaults) for (const key of defaults.keys()) if (isSecretParam(key)) return true;
  return false;
}

/** `query` without the secret-named parameters that came from `defaults`, unless `given` sets them itself. */
export function withoutDefaultSecretParams(query: QueryPairs | undefined, defaults: QueryPairs | undefined, given: QueryOptions | undefined): QueryPairs | undefined {
  if (!query || !hasSecretParam(defaults)) return query;
  const own = given instanceof URLSearchParams ? new Set(given.keys()) : new Set(given == null ? [] : Object.keys(given));
  const out: QueryPairs = new Map(query);
  for (const key of defaults!.keys()) if (isSecretParam(key) && !own.has(key)) out.delete(key);
  return out;
}
