// Property tests for redactUrl: no secret value survives, wherever it sits (query first,
// middle or last, fragment, `;matrix` parameter, `;` after another pair, a URL nested in a value,
// percent-encoded or not, user info in every spelling the URL parser accepts) and however its
// name is written (any case, percent-encoded, tabs the parser drops). Two oracles: a marker
// value that must not appear in the output, and the WHATWG URL parser itself: every parameter
// it reads under a secret name has the mask as its value.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MASK, redactUrl } from "../../../src/security/redact.js";
import { isSecretHeader, isSecretParam } from "../../../src/security/secret-names.js";

const RUNS = { numRuns: 1500 };

const SECRET_NAMES = [
  "token", "access_token", "refresh_token", "id_token", "oauth_token", "api_key", "apiKey", "X-Api-Key", "apikey", "jwt",
  "pwd", "pass", "db_pass", "userPass", "password", "passwd", "passphrase", "access_key", "AccessKey", "private_key",
  "client_assertion", "client_secret", "secret", "signature", "X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token",
  "sig", "urlSig", "key", "code", "code_verifier", "session", "sessionid", "auth", "otp", "credential",
];
const PLAIN_NAMES = ["a", "page", "q", "id", "sort", "limit", "state", "x", "color", "lang"];

/**
 * A secret name in a random case (names read by word, `urlSig`, keep theirs), some characters
 * percent-encoded, maybe a tab or newline inside (the parser drops them).
 */
const secretName = fc
  .tuple(fc.constantFrom(...SECRET_NAMES), fc.constantFrom("as is", "lower", "upper"), fc.array(fc.nat(4), { minLength: 30, maxLength: 30 }), fc.nat(40), fc.constantFrom("", "\t", "\n"))
  .map(([name, casing, picks, at, ws]) => {
    const cased = /[a-z][A-Z]/.test(name) && /sig|otp/i.test(name) ? name : casing === "lower" ? name.toLowerCase() : casing === "upper" ? name.toUpperCase() : name;
    const written = [...cased]
      .map((ch, i) => (picks[i] === 0 ? `%${ch.charCodeAt(0).toString(16).toUpperCase()}` : picks[i] === 1 ? `%${ch.charCodeAt(0).toString(16)}` : ch))
      .join("");
    const i = at % (written.length + 1);
    return written.slice(0, i) + ws + written.slice(i);
  });

/** A value starting with a unique marker, then characters a real token may hold (raw or encoded). */
const marker = fc.stringMatching(/^[A-Za-z0-9]{8}$/).map((s) => `S3CR3T${s}`);
const tail = (alphabet: string[]) => fc.array(fc.constantFrom(...alphabet), { maxLength: 6 }).map((a) => a.join(""));
const QUERY_CHARS = ["a", "Z", "0", "-", "_", ".", "~", "+", "/", "?", ":", "@", "=", ";", ",", "%2F", "%26", "%3D", "%23", "%25", "!", "*", "'"];
const PATH_CHARS = ["a", "Z", "0", "-", "_", ".", "~", "+", ":", "@", "=", ",", "%2F", "%3F", "%23"];

type Place = (name: string, value: string) => string;
const PLACES: Record<string, { place: Place; chars: string[] }> = {
  "query, first": { place: (n, v) => `https://api.example.com/v1/items?${n}=${v}&page=2`, chars: QUERY_CHARS },
  "query, middle": { place: (n, v) => `https://api.example.com/v1/items?page=2&${n}=${v}&lang=en`, chars: QUERY_CHARS },
  "query, last, then a fragment": { place: (n, v) => `https://api.example.com/items?q=1&${n}=${v}#top`, chars: QUERY_CHARS },
  "query, after ;": { place: (n, v) => `https://api.example.com/items?q=1;${n}=${v}&x=2`, chars: QUERY_CHARS },
  "fragment (implicit flow)": { place: (n, v) => `https://app.example.com/cb#${n}=${v}&token_type=bearer&expires_in=3600`, chars: QUERY_CHARS },
  "fragment route": { place: (n, v) => `https://app.example.com/#/callback?state=xyz&${n}=${v}`, chars: QUERY_CHARS },
  "matrix parameter": { place: (n, v) => `https://api.example.com/files;${n}=${v}/list?q=1`, chars: PATH_CHARS },
  "matrix, last segment": { place: (n, v) => `https://api.example.com/a/b;v=1;${n}=${v}`, chars: PATH_CHARS },
  "nested URL in a value": { place: (n, v) => `https://auth.example.com/login?next=/cb?${n}=${v}&lang=en`, chars: QUERY_CHARS },
  "nested URL, encoded": { place: (n, v) => `https://auth.example.com/login?next=${encodeURIComponent(`https://app.example.com/cb?${n}=${v}`)}&lang=en`, chars: QUERY_CHARS },
  "nested URL, encoded twice": { place: (n, v) => `https://a.example.com/?r=${encodeURIComponent(`/x?next=/cb?${n}=${v}`)}`, chars: QUERY_CHARS },
};

/** Every parameter the URL parser reads from the search and the fragment. */
function parsedPairs(url: string): [string, string][] {
  const parsed = new URL(url);
  return [...parsed.searchParams, ...new URLSearchParams(parsed.hash.slice(1))];
}

/** The parser's oracle: no parameter under a secret name keeps a value other than the mask. */
function expectParserSeesOnlyMasks(redacted: string): void {
  let pairs: [string, string][];
  try {
    pairs = parsedPairs(redacted);
  } catch {
    return; // not a URL: the marker check is the oracle
  }
  for (const [key, value] of pairs) if (isSecretParam(key)) expect({ key, value, redacted }).toEqual({ key, value: value === "" ? "" : MASK, redacted });
}

describe("redactUrl (properties)", () => {
  for (const [where, { place, chars }] of Object.entries(PLACES)) {
    it(`no secret value survives: ${where}`, () => {
      fc.assert(
        fc.property(secretName, marker, tail(chars), (name, mark, rest) => {
          const url = place(name, mark + rest);
          const redacted = redactUrl(url);
          expect(redacted, url).not.toContain(mark);
          expect(redacted).toContain(MASK);
          expectParserSeesOnlyMasks(redacted);
        }),
        RUNS,
      );
    });
  }

  it("plain parameters around a secret are kept as they are", () => {
    fc.assert(
      fc.property(fc.constantFrom(...PLAIN_NAMES), fc.stringMatching(/^[a-z0-9]{1,8}$/), secretName, marker, (plain, value, name, mark) => {
        const redacted = redactUrl(`https://api.example.com/p?${plain}=${value}&${name}=${mark}&${plain}2=${value}`);
        expect(redacted).toContain(`?${plain}=${value}&`);
        expect(redacted).toContain(`&${plain}2=${value}`);
        expect(redacted).not.toContain(mark);
      }),
      RUNS,
    );
  });

  it("user info never survives, in any spelling the URL parser reads as user info", () => {
    const userChar = fc.constantFrom("a", "Z", "0", "-", ".", "_", "~", "%40", "%3A", "!", "$", "'", "(", "*", "+", ",", ";", "=", "&");
    const part = fc.array(userChar, { maxLength: 6 }).map((a) => a.join(""));
    const spelling = fc.constantFrom("https://", "HTTPS://", "http://", "https:", "https:/", "https:\\\\", "https:/\\", "wss://", "ftp://", "git+ssh://");
    fc.assert(
      fc.property(spelling, fc.constantFrom("", " ", "\t", "\x01 "), part, marker, fc.boolean(), fc.constantFrom("/x?a=1", "", "#f", "?token=1", ":8443/x"), (scheme, lead, user, mark, withUser, rest) => {
        const url = `${lead}${scheme}${withUser ? `U${user}` : ""}:${mark}${user}@api.example.com${rest}`;
        const redacted = redactUrl(url);
        expect(redacted, url).not.toContain(mark);
        if (withUser) expect(redacted, url).not.toContain(`U${user}:`);
        // What the parser reads from the redacted text holds no password.
        try {
          expect(new URL(redacted).password).toBe("");
        } catch (e) {
          if (!(e instanceof TypeError) || /expected/.test(String(e))) throw e;
        }
      }),
      RUNS,
    );
  });

  it("hostile text: whatever the parser reads under a secret name is masked", () => {
    const piece = fc.constantFrom(
      "?", "&", ";", "#", "=", "/", "\\", "@", ":", "%", "%3D", "%26", "%3F", "%74", "+", " ", "\t",
      "token", "TOKEN", "to", "ken", "api_", "key", "pass", "pa", "ss", "jwt", "code", "a", "x", "S3CR3T", "//", "://", "u:p@",
    );
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 14 }), (pieces) => {
        const url = `https://h.example/${pieces.join("")}`;
        expectParserSeesOnlyMasks(redactUrl(url));
      }),
      { numRuns: 5000 },
    );
  });

  it("the one list: secret header names the CLI and errors share", () => {
    for (const name of ["Authorization", "proxy-authorization", "Cookie", "set-cookie", "X-API-Key", "x-auth-token", "X-Amz-Security-Token", "x-client-secret", "x-jwt", "x-private-key", "x-access-key", "x-session-id", "X-Hub-Signature-256", "x-password", "x-pwd", "client-assertion"]) {
      expect(isSecretHeader(name), name).toBe(true);
    }
    for (const name of ["accept", "content-type", "user-agent", "x-request-id", "idempotency-key", "etag", "www-authenticate"]) expect(isSecretHeader(name), name).toBe(false);
    for (const name of PLAIN_NAMES) expect(isSecretParam(name), name).toBe(false);
    for (const name of SECRET_NAMES) expect(isSecretParam(name), name).toBe(true);
  });
});
