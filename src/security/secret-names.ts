/**
 * Which header and query parameter names hold a secret: the one rule, read by the library
 * (redirects, extend(), errors) and the CLI (-v) alike.
 */

const SECRET_HEADERS = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie"]);
/** A header or parameter name holding one of these (any case) holds a secret. */
const SECRET_NAME =
  /api[-_]?key|access[-_]?key|private[-_]?key|token|secret|passw(?:or)?d|passphrase|pwd|jwt|credential|session|signature|assertion/i;
/** A parameter name holding one of these holds a secret: the header words, `auth` (`oauth_*`), `pass`, `verifier` (PKCE). */
const SECRET_PARAM = new RegExp(`${SECRET_NAME.source}|auth|pass|verifier`, "i");
/** Parameter names that are secrets as a whole (`?key=`, `?code=`)... */
const SECRET_PARAM_NAMES = new Set(["key", "code"]);
/** ...or as one word of a name (`?url_sig=`, `?urlSig=`, `?otp=`). */
const SECRET_PARAM_WORDS = new Set(["sig", "otp"]);

/**
 * True for a header whose value must never be shown: Authorization, Proxy-Authorization,
 * Cookie, Set-Cookie, and any name holding api-key, access-key, private-key, token, secret,
 * password, passphrase, pwd, jwt, credential, session, signature or assertion.
 */
export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase()) || SECRET_NAME.test(name);
}

/**
 * True for a query (or fragment, or `;matrix`) parameter name whose value must not appear in a
 * message: the secret header words, and `auth`, `pass`, `verifier`, the names `key` and `code`,
 * the words `sig` and `otp`.
 */
export function isSecretParam(name: string): boolean {
  if (SECRET_PARAM.test(name)) return true;
  const lower = name.toLowerCase();
  if (SECRET_PARAM_NAMES.has(lower)) return true;
  if (!/sig|otp/.test(lower)) return false;
  // Words: split at anything but letters and digits, and where a capital follows a small letter.
  // (No lookbehind: Safari before 16.4 cannot parse one.)
  return name
    .replace(/([a-z])(?=[A-Z])/g, "$1 ")
    .split(/[^a-zA-Z\d]+/)
    .some((word) => SECRET_PARAM_WORDS.has(word.toLowerCase()));
}
