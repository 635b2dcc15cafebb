/**
 * How the CLI shows a header or a URL, on the library's rules and list (src/redact.ts): secret
 * header values are masked keeping an auth scheme (`Bearer [REDACTED]`), URLs lose their user
 * info and secret query values (and report.ts masks every secret value the request carries,
 * by src/secrets.ts, in each line).
 */
import { isSecretHeader, MASK, redactUrl } from "../redact.js";

/** A header value fit to print: secrets masked, keeping an auth scheme (`Bearer [REDACTED]`). */
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
