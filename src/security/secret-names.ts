/**
 * Which header and query parameter names hold a secret: the one rule, read by the library
 * (redirects, extend(), errors) and the CLI (-v) alike.
 */

const SECRET_HEADERS = /* @__PURE__ */ new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  // The vetted list: credential headers of well-known services that the words below miss.
  "x-auth-key", // Cloudflare global API key; OpenStack Swift v1
  "x-auth-user-service-key", // Cloudflare Origin CA key
  "ocp-apim-subscription-key", // Azure API Management, Azure AI services
  "x-functions-key", // Azure Functions
  "aeg-sas-key", // Azure Event Grid
  "dd-application-key", // Datadog (DD-API-KEY has the words)
  "x-honeycomb-team", // Honeycomb API key
  "fastly-key", // Fastly API token
  "x-license-key", // New Relic license key
  "x-insert-key", // New Relic insert key
  "x-query-key", // New Relic query key
  "x-sentry-auth", // Sentry: sentry_key, and sentry_secret in older SDKs
  "x-jfrog-art-api", // JFrog Artifactory API key
  "x-parse-master-key", // Parse Server master key
  "x-appwrite-key", // Appwrite server API key
]);
/**
 * An encryption key itself, sent for the server to use: S3 SSE-C
 * (`x-amz-[copy-source-]server-side-encryption-customer-key`), Azure Blob (`x-ms-encryption-key`),
 * Google Cloud Storage (`x-goog-[copy-source-]encryption-key`). Its `-MD5` / `-sha256` digest
 * headers are not secret.
 */
const ENCRYPTION_KEY = /encryption[-_](?:customer[-_])?key$/i;
/** A header or parameter name holding one of these (any case) holds a secret. */
const SECRET_NAME =
  /api[-_]?key|access[-_]?key|private[-_]?key|token|secret|passw(?:or)?d|passphrase|pwd|jwt|credential|session|signature|assertion|authorization/i;
/** A parameter name holding one of these holds a secret: the header words, `auth` (`oauth_*`), `pass`, `verifier` (PKCE). */
const SECRET_PARAM = new RegExp(`${SECRET_NAME.source}|auth|pass|verifier`, "i");
/**
 * Parameter names that are secrets as a whole, compared in lower case without `-`, `_` and
 * `.` (`device_code`, `deviceCode` and `device-code` are one name): `?key=`, `?code=`, and the
 * vetted list of credential parameters the words miss.
 */
const SECRET_PARAM_NAMES = new Set([
  "key",
  "code",
  "devicecode", // OAuth device flow (RFC 8628)
  "samlresponse", // SAML redirect binding
  "samlart", // SAML artifact, redeemed for the assertion
  "ticket", // CAS service ticket
  "phpsessid", // PHP session id in URLs
  "subscriptionkey", // Azure API Management
  "consumerkey", // OAuth 1.0a, WooCommerce REST
  "applicationkey", // Datadog
  "licensekey", // New Relic
  "hdnts", // Akamai token auth
  "hdnea",
]);
/** ...or as one word of a name (`?url_sig=`, `?urlSig=`, `?otp=`, `?hmac=`, `?totp=`). */
const SECRET_PARAM_WORDS = new Set(["sig", "otp", "totp", "hmac"]);
const PARAM_WORD = /sig|otp|hmac/;

/**
 * True for a header whose value must never be shown: Authorization, Proxy-Authorization,
 * Cookie, Set-Cookie, the vetted credential headers (X-Auth-Key, Ocp-Apim-Subscription-Key...),
 * the customer-supplied encryption keys (all of these with `_` for `-` too), and any name holding api-key, access-key,
 * private-key, token, secret, password, passphrase, pwd, jwt, credential, session, signature,
 * assertion or authorization.
 */
export function isSecretHeader(name: string): boolean {
  // `_` read as `-`: fetch sends X_Auth_Key as it is, and CGI, WSGI, PHP and Rack servers read it as X-Auth-Key.
  return SECRET_HEADERS.has(name.toLowerCase().replace(/_/g, "-")) || SECRET_NAME.test(name) || ENCRYPTION_KEY.test(name);
}

/**
 * True for a query (or fragment, or `;matrix`) parameter name whose value must not appear in a
 * message: the secret header words, and `auth`, `pass`, `verifier`; the names `key`, `code` and
 * the vetted ones (`device_code`, `SAMLResponse`, `ticket`...); the words `sig`, `otp`, `totp`
 * and `hmac`.
 */
export function isSecretParam(name: string): boolean {
  if (SECRET_PARAM.test(name)) return true;
  const lower = name.toLowerCase();
  if (SECRET_PARAM_NAMES.has(lower.replace(/[-_.]/g, ""))) return true;
  if (!PARAM_WORD.test(lower)) return false;
  // Words: split at anything but letters and digits, and where a capital follows a small letter.
  // (No lookbehind: Safari before 16.4 cannot parse one.)
  return name
    .replace(/([a-z])(?=[A-Z])/g, "$1 ")
    .split(/[^a-zA-Z\d]+/)
    .some((word) => SECRET_PARAM_WORDS.has(word.toLowerCase()));
}
