/// <reference types="node" />
/**
 * The request's headers: the CLI's defaults (User-Agent, an Accept for the mode, the body's
 * Content-Type, Basic auth from -u), then every -H and `Header:value` item, which win. And the
 * secret values among them, for the reporter to mask.
 */
import { isSecretHeader, isSecretParam } from "../redact.js";
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

/** Values typed on the command line that must never be printed: secret headers, the password, secret query values. */
export function secretsOf(args: CliArgs): string[] {
  const secrets: string[] = [];
  for (const [name, value] of args.headers) if (value !== undefined && isSecretHeader(name)) secrets.push(value.replace(/^\w+ +/, ""), value);
  for (const [name, value] of args.query) if (isSecretParam(name)) secrets.push(value);
  if (args.credentials) {
    const { user, password } = args.credentials;
    if (password) secrets.push(password, encodeURIComponent(password));
    secrets.push(basic(user, password));
  }
  return secrets;
}

function basic(user: string, password: string): string {
  return Buffer.from(`${user}:${password}`, "utf8").toString("base64");
}
