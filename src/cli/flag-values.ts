/**
 * The values of single flags, checked: --retries, --timeout / --idle-timeout, -H, --query, -u.
 * Each mistake is a {@link UsageError} naming the flag; a value that may be a secret is never
 * quoted.
 */
import { parseDuration } from "../index.js";
import { headerItem } from "./items.js";
import type { Credentials } from "./url-input.js";
import { quoteInput, UsageError } from "./usage-error.js";

const MAX_RETRIES = 100;

export function parseRetries(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (/^\d+$/.test(text) && Number(text) <= MAX_RETRIES) return Number(text);
  const why = /^-\d+$/.test(text) ? " (a count cannot be negative; 0 disables retries)" : /^\d+$/.test(text) ? ` (at most ${MAX_RETRIES})` : "";
  throw new UsageError(`--retries must be a whole number from 0 to ${MAX_RETRIES}, not ${quoteInput(text)}${why}`);
}

export function checkTimeout(flag: string, value: string, tiers: boolean): void {
  if (value === "none" || (tiers && (value === "short" || value === "medium" || value === "long"))) return;
  try {
    parseDuration(value);
  } catch (error) {
    const hint = tiers ? "short, medium, long, none or a duration like 10s or 1m30s" : "none or a duration like 30s";
    // The library's message quotes the input: only for a short one.
    const detail = error instanceof Error && value.length <= 40 ? ` (${error.message})` : "";
    const shown = quoteInput(value, 40);
    throw new UsageError(`${flag} must be ${hint}, not ${shown}${/^\d+(\.\d+)?$/.test(value) ? " (add a unit)" : detail}`);
  }
}

/** `-H 'Name: value'`; `Name:` (nothing after the colon) removes the header. */
export function parseHeaderFlag(text: string): [string, string | undefined] {
  const colon = text.indexOf(":");
  if (colon <= 0) throw new UsageError(`-H needs 'Name: value', not ${quoteInput(text)}`);
  const h = headerItem(text.slice(0, colon), text.slice(colon + 1));
  return [h.name, h.value];
}

export function parseQueryFlag(text: string): [string, string] {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new UsageError(`--query needs key=value, not ${quoteInput(text)}`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}

/** `-u user:password` (curl, HTTPie `-a`). Without a colon curl would prompt; here it is an error. */
export function parseUser(text: string): Credentials {
  const colon = text.indexOf(":");
  if (colon < 0) throw new UsageError("-u needs user:password (no password prompt; use 'user:' for an empty password)");
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}
