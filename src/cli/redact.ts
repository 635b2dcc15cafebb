/**
 * What the CLI may show of a header or a URL. The same rules as the library's errors:
 * Authorization, Proxy-Authorization, Cookie, Set-Cookie and any header named like
 * *api-key*, *token*, *secret* are masked; so are secret-looking query values.
 */

export const MASK = "[redacted]";

const SECRET_HEADERS = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie"]);
const SECRET_HEADER_WORDS = /api[-_]?key|token|secret|passw(?:or)?d|session|credential/i;
const SECRET_PARAM_WORDS = /api[-_]?key|token|secret|passw(?:or)?d|signature|credential|session|auth|^sig$|^key$|^code$/i;

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase()) || SECRET_HEADER_WORDS.test(name);
}

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
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return input;
  }
  if (url.username || url.password) {
    url.username = url.username ? "redacted" : "";
    url.password = "";
  }
  if (url.search) {
    const parts = url.search.slice(1).split("&").map((part) => {
      const eq = part.indexOf("=");
      if (eq < 0) return part;
      let name = part.slice(0, eq);
      try {
        name = decodeURIComponent(name.replace(/\+/g, " "));
      } catch {
        /* keep it raw */
      }
      return SECRET_PARAM_WORDS.test(name) ? `${part.slice(0, eq)}=${MASK}` : part;
    });
    url.search = parts.join("&");
  }
  return url.href;
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
