/**
 * Keeping secrets out of messages, logs and JSON: which header and query names hold one,
 * and how a URL is shown with those values masked.
 */

const SECRET_HEADERS = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie"]);
const SECRET_WORDS = /api[-_]?key|token|secret|passw(?:or)?d|signature|credential|session|auth|^sig$|^key$|^code$/i;
const SECRET_HEADER_WORDS = /api[-_]?key|token|secret|passw(?:or)?d|session|credential/;

export const MASK = "[REDACTED]";

/** True for a header whose value must never be shown: Authorization, Cookie, *api-key*, *token*, *secret*. */
export function isSecretHeader(name: string): boolean {
  const n = name.toLowerCase();
  return SECRET_HEADERS.has(n) || SECRET_HEADER_WORDS.test(n);
}

/** True for a query parameter name whose value must not appear in a message. */
export function isSecretParam(name: string): boolean {
  return SECRET_WORDS.test(name);
}

/** The URL with its user info and the values of secret-looking query parameters masked. */
export function redactUrl(input: string, mask = MASK): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return input.replace(/([?&][^=&#]*=)[^&#]*/g, (m, k: string) => (isSecretParam(k.slice(1, -1)) ? k + mask : m));
  }
  if (url.username || url.password) {
    url.username = url.username ? mask.slice(1, -1) : "";
    url.password = "";
  }
  if (url.search) {
    let changed = false;
    const out: string[] = [];
    for (const part of url.search.slice(1).split("&")) {
      const eq = part.indexOf("=");
      const key = eq < 0 ? part : part.slice(0, eq);
      let name = key;
      try { name = decodeURIComponent(key.replace(/\+/g, " ")); } catch { /* keep raw */ }
      if (eq >= 0 && isSecretParam(name)) {
        out.push(`${key}=${mask}`);
        changed = true;
      } else out.push(part);
    }
    if (changed) url.search = out.join("&");
  }
  return url.href;
}

/** A plain record of headers, secret values masked; for inspection and JSON. */
export function redactHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = isSecretHeader(name) ? MASK : value;
  });
  return out;
}
