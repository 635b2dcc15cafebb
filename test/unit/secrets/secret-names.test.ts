// Secret names: the pattern (api-key, token, secret...) plus the vetted list of credential
// header and query names that real services use and the pattern misses. Each name is checked
// in the forms a request carries it (any case), and a few names that look alike but are not
// credentials are checked to stay visible (a redirect keeps them, -v shows them).
import { describe, expect, it } from "vitest";
import { redactUrl } from "../../../src/security/redact.js";
import { isSecretHeader, isSecretParam } from "../../../src/security/secret-names.js";

/** Credential headers the word pattern misses, and the service each comes from. */
const VETTED_HEADERS = {
  "X-Auth-Key": "Cloudflare global API key; OpenStack Swift v1",
  "X-Auth-User-Service-Key": "Cloudflare Origin CA key",
  "Ocp-Apim-Subscription-Key": "Azure API Management, Azure AI services",
  "x-functions-key": "Azure Functions",
  "aeg-sas-key": "Azure Event Grid",
  "DD-Application-Key": "Datadog",
  "X-Honeycomb-Team": "Honeycomb",
  "Fastly-Key": "Fastly",
  "X-License-Key": "New Relic",
  "X-Insert-Key": "New Relic",
  "X-Query-Key": "New Relic",
  "X-Sentry-Auth": "Sentry",
  "X-JFrog-Art-Api": "JFrog Artifactory",
  "X-Parse-Master-Key": "Parse Server",
  "X-Appwrite-Key": "Appwrite",
  "x-amz-server-side-encryption-customer-key": "AWS S3 SSE-C",
  "x-amz-copy-source-server-side-encryption-customer-key": "AWS S3 SSE-C",
  "x-ms-encryption-key": "Azure Blob customer-provided key",
  "x-goog-encryption-key": "Google Cloud Storage customer-supplied key",
  "x-goog-copy-source-encryption-key": "Google Cloud Storage customer-supplied key",
  // Any name holding "authorization" carries one (a credential for another hop or service).
  "x-ms-copy-source-authorization": "Azure Blob copy from URL",
  "X-Serverless-Authorization": "Google Cloud Run",
  "x-amzn-remapped-authorization": "AWS API Gateway",
  "X-Forwarded-Authorization": "proxies, Google Cloud Endpoints",
};

/** Headers the pattern already caught: they must stay caught. */
const PATTERN_HEADERS = ["Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Api-Key", "DD-API-KEY", "x-goog-api-key", "X-Amz-Security-Token", "X-Shopify-Access-Token", "X-Algolia-API-Key", "PRIVATE-TOKEN", "X-Hub-Signature-256", "Stripe-Signature", "X-Twilio-Signature", "X-Slack-Signature", "CF-Access-Client-Secret", "api-key", "apikey", "X-Vault-Token"];

/** Not credentials, though some look like one: identifiers, digests, nonces, idempotency. */
const PLAIN_HEADERS = ["Idempotency-Key", "Sec-WebSocket-Key", "Surrogate-Key", "X-Auth-Email", "X-Auth-User", "CF-Access-Client-Id", "X-Algolia-Application-Id", "x-amz-server-side-encryption-customer-key-MD5", "x-goog-encryption-key-sha256", "x-ms-encryption-key-sha256", "x-amz-server-side-encryption-aws-kms-key-id", "x-ms-encryption-scope", "x-amz-content-sha256", "Content-Type", "Accept", "X-Request-Id", "traceparent", "WWW-Authenticate", "Authentication-Info", "Key"];

/** Credential query names the pattern misses. */
const VETTED_PARAMS = {
  device_code: "OAuth device flow (RFC 8628)",
  SAMLResponse: "SAML redirect binding",
  SAMLart: "SAML artifact binding",
  ticket: "CAS service ticket",
  PHPSESSID: "PHP session id in URLs",
  "subscription-key": "Azure API Management",
  consumer_key: "OAuth 1.0a, WooCommerce REST",
  application_key: "Datadog",
  "License-Key": "New Relic",
  hdnts: "Akamai token auth",
  hdnea: "Akamai token auth",
  hmac: "Shopify, HMAC-signed URLs",
  url_hmac: "HMAC-signed URLs",
  totp: "one-time codes",
};

/** Query names the words already caught (OpenTelemetry's url.query list, AWS/GCS signed URLs, Azure SAS, OAuth): they must stay caught. */
const PATTERN_PARAMS = ["AWSAccessKeyId", "Signature", "sig", "X-Goog-Signature", "X-Goog-Credential", "X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token", "access_token", "refresh_token", "id_token", "client_secret", "client_assertion", "code_verifier", "password", "key", "code", "api_key", "apikey", "oauth_token", "otp"];

/** Query names that are not secrets, some of them near a vetted one. */
const PLAIN_PARAMS = ["page", "sort_key", "country_code", "error_code", "state", "nonce", "client_id", "sid", "appid", "sentry_key", "Policy", "Key-Pair-Id", "ticket_id", "algorithm", "design", "hotpot"];

describe("the vetted credential headers", () => {
  it.each(Object.entries(VETTED_HEADERS))("%s (%s) is secret, in any case", (name) => {
    expect(isSecretHeader(name)).toBe(true);
    expect(isSecretHeader(name.toLowerCase())).toBe(true);
    expect(isSecretHeader(name.toUpperCase())).toBe(true);
  });

  it.each(Object.keys(VETTED_HEADERS))("%s spelt with underscores is secret too (CGI, WSGI, PHP and Rack servers read - and _ as one)", (name) => {
    // fetch sends X_Auth_Key as it is, and a WSGI app reads it as HTTP_X_AUTH_KEY, like X-Auth-Key.
    expect(isSecretHeader(name.replace(/-/g, "_"))).toBe(true);
  });

  it("customer encryption keys spelt with underscores are secret; their digests are not", () => {
    expect(isSecretHeader("x_amz_server_side_encryption_customer_key")).toBe(true);
    expect(isSecretHeader("x_goog_encryption_key")).toBe(true);
    expect(isSecretHeader("x_goog_encryption_key_sha256")).toBe(false);
  });

  it.each(PATTERN_HEADERS)("%s is still secret (the pattern)", (name) => {
    expect(isSecretHeader(name)).toBe(true);
  });

  it.each(PLAIN_HEADERS)("%s is not secret", (name) => {
    expect(isSecretHeader(name)).toBe(false);
  });
});

describe("the vetted credential query names", () => {
  it.each(Object.entries(VETTED_PARAMS))("%s (%s) is secret, in any case and spelling", (name) => {
    expect(isSecretParam(name)).toBe(true);
    expect(isSecretParam(name.toLowerCase())).toBe(true);
    expect(isSecretParam(name.toUpperCase())).toBe(true);
  });

  it.each(Object.keys(VETTED_PARAMS))("?%s=… is masked in a URL, its neighbours kept", (name) => {
    const shown = redactUrl(`https://api.example.com/cb?page=2&${name}=VALUE-SECRET-42&lang=en`);
    expect(shown).toBe(`https://api.example.com/cb?page=2&${name}=[REDACTED]&lang=en`);
  });

  it("spellings of one name: device_code, device-code, deviceCode, DeviceCode", () => {
    for (const name of ["device_code", "device-code", "deviceCode", "DeviceCode", "subscription_key", "subscriptionKey", "license_key", "licenseKey", "samlresponse"]) expect(isSecretParam(name), name).toBe(true);
  });

  it.each(PATTERN_PARAMS)("%s is still secret (the words)", (name) => {
    expect(isSecretParam(name)).toBe(true);
  });

  it.each(PLAIN_PARAMS)("%s is not secret", (name) => {
    expect(isSecretParam(name)).toBe(false);
  });
});
