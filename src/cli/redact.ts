/**
 * What the CLI may show of a header or a URL. The same rules as the library's errors:
 * Authorization, Proxy-Authorization, Cookie, Set-Cookie and any header named like
 * *api-key*, *token*, *secret* are masked; so are secret-looking query values.
 */

import { isSecretHeader, redactUrl } from "../redact.js";

export const MASK = "[redacted]";

export { isSecretHeader };

/** A header value fit to print: secrets masked, keeping an auth scheme (`Bearer [redacted]`). */
export function showHeaderValue(name: string, value: string): string {
  if (!isSecretHeader(name)) return value;
  const n = name.toLowerCase();
  if (n === "authorization" || n === "proxy-authorization") {
    const scheme = /^([A-Za-z][A-Za-z0-9-]*) +\S/.exec(value);
    if (scheme) return `${scheme[1]} ${MASK}`;
  }
  return MASK;
}

/** The URL with user info and the values of secret-looking query parameters masked. */
export function showUrl(input: string): string {
  return redactUrl(input, MASK);
}

/**
 * Last line of defence for text the CLI prints on stderr: any occurrence of a known secret
 * (the token) is masked, whatever put it there.
 */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join(MASK);
  return out;
}
