/**
 * How the CLI shows a header or a URL, on the library's rules and list (src/redact.ts): secret
 * header values are masked keeping an auth scheme (`Bearer [REDACTED]`), URLs lose their user
 * info and secret query values, and any known secret left in a line is masked last.
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

/**
 * Last line of defence for text the CLI prints on stderr: any occurrence of a known secret
 * (the token, a password, a secret header's value) is masked, whatever put it there.
 */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join(MASK);
  return out;
}
