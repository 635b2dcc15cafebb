/**
 * Keeping secrets out of messages, logs and JSON: how a URL is shown with the values of
 * secret-named parameters (secret-names.ts) and its user info masked.
 */
import { isSecretParam } from "./secret-names.js";

export const MASK = "[REDACTED]";

/**
 * A parameter name as a server reads it, enough to see a secret word in it: `%XX` decoded.
 * (`+`, a space to a server, needs no decoding: both only separate words.)
 */
function decodeName(raw: string): string {
  if (!raw.includes("%")) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    // Servers decode the valid escapes and keep the rest (`%zz`, `%ff`). Secret words are
    // ASCII: every other `%` is dropped (an empty replacement stays linear and fast).
    return decodeURIComponent(raw.replace(/%(?![0-7][\da-f])/gi, ""));
  }
}

/** Schemes whose URLs always have an authority, even written `https:host` or `https:\\host`. */
const SPECIAL = /^(?:https?|wss?|ftp):$/i;
const code = (text: string, i: number): number => text.charCodeAt(i);
const SLASH = 47, BACKSLASH = 92, QUESTION = 63, HASH = 35, AMP = 38, SEMI = 59, EQUALS = 61, AT = 64;

/**
 * User info masked wherever a URL's authority starts: at the start (`https://u:p@h`, also
 * `https:u:p@h` and `https:\\u:p@h`, which the URL parser reads the same way) and after
 * every other `://` (a URL inside a query value, or inside a runtime's message). Each
 * authority, up to its last `@`, becomes `userMask`: `https://REDACTED@host`.
 */
function maskUserinfo(text: string, userMask: string): string {
  let out = "";
  let last = 0;
  const mask = (from: number, special: boolean): number => {
    let end = from;
    let at = -1;
    for (; end < text.length; end++) {
      const c = code(text, end);
      if (c === SLASH || c === QUESTION || c === HASH || c <= 32 || (special && c === BACKSLASH)) break;
      if (c === AT) at = end;
    }
    if (at > from) {
      out += text.slice(last, from) + userMask;
      last = at;
    }
    return end;
  };
  let from = 0;
  const scheme = /^[a-z][a-z\d+.-]*:/i.exec(text);
  if (scheme) {
    const special = SPECIAL.test(scheme[0]);
    let i = scheme[0].length;
    while (code(text, i) === SLASH || (special && code(text, i) === BACKSLASH)) i++;
    if (special || i - scheme[0].length >= 2) from = mask(i, special);
  }
  for (let i = text.indexOf("://", from); i >= 0; i = text.indexOf("://", from)) from = Math.max(mask(i + 3, true), i + 3);
  return last ? out + text.slice(last) : text;
}

const PATH = 0, QUERY = 1, FRAGMENT = 2;
/**
 * Where a secret value ends: in a path's `;name=value` at `/`, `?` or `#`; in the query at `&`
 * or `#`; in the fragment at `&`. Wide on purpose (`;` and `?` do not end a query value).
 */
function valueEnds(zone: number, c: number): boolean {
  return zone === PATH ? c === SLASH || c === QUESTION || c === HASH : c === AMP || (zone === QUERY && c === HASH);
}

/** True for a name (raw) that is secret once decoded. Every secret name has 3 characters or more. */
const secretName = (raw: string): boolean => raw.length >= 3 && isSecretParam(decodeName(raw));

/**
 * Masks the value of every secret-named `name=value`: in the query, in the fragment
 * (`#access_token=...` from OAuth's implicit flow), `;token=` matrix parameters, and pairs
 * inside another pair's value (`?next=/cb?token=...`). A name is read both as a server reads
 * it (from `?`, `&` or `#` to the first `=`: `?token;x=`) and from the last `;` or `?` before
 * the `=` (`?a=1;token=`). With `nested`, a top-level value whose decoded text holds a secret
 * (`?next=%2Fcb%3Ftoken%3D...`) is masked whole. One pass, linear in the length.
 */
function maskParams(text: string, mask: string, nested: boolean): string {
  const n = text.length;
  let out = "";
  let last = 0;
  let zone = PATH;
  // Where the current name starts as a server reads it, and after the last `;` or `?` (-1: none).
  let full = -1;
  let sub = -1;
  // The end of the value being read (cached: each character is scanned for it once), and the
  // end of the top-level value the scan is inside.
  let end = -1;
  let endZone = -1;
  let outer = -1;
  for (let i = 0; i < n; i++) {
    const c = code(text, i);
    if (c === QUESTION && zone === PATH) {
      zone = QUERY;
      full = sub = i + 1;
    } else if ((c === HASH && zone !== FRAGMENT) || (c === AMP && zone !== PATH)) {
      if (c === HASH) zone = FRAGMENT;
      full = sub = i + 1;
    } else if (c === SEMI || c === QUESTION || c === HASH) sub = i + 1;
    else if (c === SLASH && zone === PATH) full = sub = -1;
    if (c !== EQUALS || sub < 0) continue;
    const start = full >= 0 ? full : sub;
    const secret = secretName(text.slice(sub, i)) || (full >= 0 && full < sub && secretName(text.slice(full, i)));
    full = sub = -1;
    if (end <= i || endZone !== zone) {
      for (end = i + 1; end < n && !valueEnds(zone, code(text, end)); ) end++;
      endZone = zone;
    }
    const top = start > outer;
    if (top) outer = end;
    if (secret || (nested && top && holdsSecret(text.slice(i + 1, end), mask))) {
      out += text.slice(last, i + 1) + mask;
      last = end;
      i = end - 1;
    }
    // Otherwise read on inside the value: a pair nested in it is found too.
  }
  return last ? out + text.slice(last) : text;
}

/** True when a value, decoded, holds credentials or a secret-named pair. */
function holdsSecret(value: string, mask: string): boolean {
  if (!value.includes("%")) return false;
  const decoded = decodeName(value).replace(/[\t\n\r]/g, "");
  return decoded !== value && maskParams(maskUserinfo(decoded, mask), mask, false) !== decoded;
}

/**
 * The URL with its user info masked (`https://REDACTED@host`: the user name replaced, the
 * password dropped) and the values of secret-named parameters masked wherever they are:
 * query, fragment, `;matrix` parameters, a URL nested in a value. Works on the text as given
 * (a URL that does not parse too), read as the URL parser reads it: leading C0 controls and
 * spaces dropped, tabs and newlines dropped everywhere, a name percent-decoded.
 * Linear in the length of the input.
 */
export function redactUrl(input: string, mask = MASK): string {
  let start = 0;
  while (start < input.length && code(input, start) <= 32) start++;
  const text = input.slice(start).replace(/[\t\n\r]/g, "");
  return maskParams(maskUserinfo(text, mask.replace(/^\[(.*)\]$/, "$1")), mask, true);
}
