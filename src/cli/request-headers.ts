/// <reference types="node" />
/**
 * The request's headers: the CLI's defaults (User-Agent, an Accept for the mode, the body's
 * Content-Type, Basic auth from -u), then every -H and `Header:value` item, which win. And the
 * secret values the request carries, for the reporter to mask.
 */
import { secretValues } from "../security/secrets.js";
import type { CliArgs } from "./args.js";
import type { LoadedBody } from "./request-body.js";
import { version } from "./version.js";

export function requestHeaders(args: CliArgs, body: LoadedBody | undefined): Record<string, string | undefined> {
  const headers = new Map<string, [string, string | undefined]>();
  const set = (name: string, value: string | undefined) => headers.set(name.toLowerCase(), [name, value]);
  set("User-Agent", `tierfetch-cli/${version()}`);
  if (args.mode === "sse") set("Accept", "text/event-stream");
  else if (args.mode === "ndjson") set("Accept", "application/x-ndjson, application/jsonl;q=0.9, application/json;q=0.8, */*;q=0.5");
  else if (body?.contentType === "application/json") set("Accept", "application/json, */*;q=0.5");
  if (body?.contentType) set("Content-Type", body.contentType);
  if (args.credentials) set("Authorization", `Basic ${basic(args.credentials.user, args.credentials.password)}`);
  // -H wins over the defaults above; a repeated -H adds to the same header.
  const seen = new Set<string>();
  for (const [name, value] of args.headers) {
    const key = name.toLowerCase();
    const prev = headers.get(key);
    if (seen.has(key) && prev?.[1] !== undefined && value !== undefined) set(name, `${prev[1]}, ${value}`);
    else set(name, value);
    seen.add(key);
  }
  return Object.fromEntries([...headers.values()]);
}

/**
 * Every secret value the request carries, found by the library's rule (src/secrets.ts): secret
 * header values and their credential part (the token, Basic auth), the URL's password, secret
 * query values. The reporter masks each of them in every line it prints.
 */
export function secretsOf(args: CliArgs, headers: Record<string, string | undefined>, token: string | undefined): string[] {
  const sent: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) sent[name.toLowerCase()] = value;
  if (token !== undefined) sent.authorization = `Bearer ${token}`;
  const url = new URL(args.url);
  if (args.credentials) {
    url.username = encodeURIComponent(args.credentials.user);
    url.password = encodeURIComponent(args.credentials.password);
  }
  for (const [name, value] of args.query) url.searchParams.append(name, value);
  return secretValues(sent, url.href);
}

function basic(user: string, password: string): string {
  return Buffer.from(`${user}:${password}`, "utf8").toString("base64");
}
