/**
 * A header value as the CLI prints it on stderr, on the library's list (security/secret-names.ts): a
 * secret value is masked keeping its auth scheme, `Bearer [REDACTED]`, so -v still says which
 * kind of credential went. URLs are shown with the library's redactUrl, and report.ts masks
 * every secret value the request carries (security/secrets.ts) in each line.
 */
import { MASK } from "../security/redact.js";
import { isSecretHeader } from "../security/secret-names.js";

export function showHeaderValue(name: string, value: string): string {
  if (!isSecretHeader(name)) return value;
  const n = name.toLowerCase();
  if (n === "authorization" || n === "proxy-authorization") {
    const scheme = /^([A-Za-z][A-Za-z0-9-]*) +\S/.exec(value);
    if (scheme) return `${scheme[1]} ${MASK}`;
  }
  return MASK;
}
