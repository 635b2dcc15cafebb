/**
 * A header value as the CLI prints it on stderr, on the library's list (security/secret-names.ts): a
 * secret value is masked keeping its auth scheme, `Bearer [REDACTED]`, so -v still says which
 * kind of credential went. A header that carries URLs (Location, Content-Location, Link,
 * Refresh, Referer) is shown with each URL's secret query values masked: an OAuth redirect's
 * `code=` or `access_token=` must not land in CI logs. URLs are shown with the library's
 * redactUrl, and report.ts masks every secret value the request carries (security/secrets.ts)
 * in each line.
 */
import { MASK, redactUrl } from "../security/redact.js";
import { isSecretHeader } from "../security/secret-names.js";

/** Headers whose whole value is a URL, or ends with one (Refresh: `0; url=...`). */
const URL_HEADERS = new Set(["location", "content-location", "refresh", "referer"]);

export function showHeaderValue(name: string, value: string): string {
  const n = name.toLowerCase();
  if (!isSecretHeader(name)) {
    if (URL_HEADERS.has(n)) return redactUrl(value);
    // Link: `<url>; rel="next", <url>; rel="prev"`: each URL on its own, so a masked value
    // stops at its `>` instead of swallowing the parameters after it. A URL holds no `<`: the
    // match stops there too, so a value of many `<` and no `>` is read once, not once per `<`.
    if (n === "link") return value.replace(/<([^<>]*)>/g, (_, url: string) => `<${redactUrl(url)}>`);
    return value;
  }
  if (n === "authorization" || n === "proxy-authorization") {
    const scheme = /^([A-Za-z][A-Za-z0-9-]*) +\S/.exec(value);
    if (scheme) return `${scheme[1]} ${MASK}`;
  }
  return MASK;
}
