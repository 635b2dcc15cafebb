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

/**
 * The URL with its user info masked (the user name replaced, the password dropped) and the
 * values of secret-looking query parameters masked. Works on the text as given (a URL that
 * does not parse too); a parameter name is read decoded (`+` as a space).
 */
export function redactUrl(input: string, mask = MASK): string {
  return input
    .replace(/^([a-z][a-z\d+.-]*:\/\/)([^/?#\\]*)@/i, (_, scheme: string, info: string) => scheme + (info.split(":")[0] ? `${mask.slice(1, -1)}@` : ""))
    .replace(/([?&])([^=&#]*)=[^&#]*/g, (pair, sep: string, key: string) => {
      let name = key;
      try {
        name = decodeURIComponent(key.replaceAll("+", " "));
      } catch {
        /* keep it raw */
      }
      return isSecretParam(name) ? `${sep}${key}=${mask}` : pair;
    });
}
