// The differential suite: `api.fetch` must be fetch. Every case is sent twice against one
// loopback server (test/support/conformance-server.mjs, route /diff), once through the runtime's
// own fetch (the oracle) and once through `api.fetch` of a client with no baseUrl and the default
// retry policy (only its delays shortened), and both observable results must be equal: status,
// statusText, ok, url, redirected, type, the header list, the body bytes, the same of a clone(),
// whether the headers are immutable, or the rejection's kind. Whatever the runtime's fetch does —
// a browser's opaque redirect or CORS refusal included — api.fetch does.
//
// Plain ES2022 with web-platform globals only: run by the conformance suite in every runtime
// (defineDifferential) and by test/differential/ under vitest on Node (differentialCases, observe).

/** Statuses across the whole range a status line can carry (1xx ends in a rejection in most runtimes). */
export const STATUSES = [
  100, 103, 199, 200, 201, 202, 203, 204, 205, 206, 226, 299, 300, 301, 302, 303, 304, 305, 306, 307, 308, 399, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 413, 418, 421,
  422, 425, 426, 428, 429, 431, 451, 499, 500, 501, 502, 503, 504, 505, 507, 511, 520, 529, 599, 600, 601, 650, 699, 700, 750, 799, 800, 850, 899, 900, 950, 999,
];

/** Reason phrases as bytes (hex on the wire): plain, empty, odd but legal, obs-text, UTF-8, control characters. */
export const REASONS = {
  plain: "Fine",
  empty: "",
  spaces: "  Two  Spaces ",
  tab: "a\tb",
  punctuation: "Weird-Reason (v2); ok?",
  "obs-text latin1": "caf\u00e9",
  "UTF-8 bytes": "\u00c3\u00bc\u00c3\u00b1\u00c3\u00af",
  "control char": "x\u0001y",
  DEL: "x\u007fy",
};

/**
 * The known difference, compared apart: after a redirect to another origin that the client
 * followed itself (every runtime but browsers), `type` is what that runtime's fetch gives a
 * request made there directly ("basic" in Node and Deno, "default" in Bun), where Node's own
 * redirect handling taints it "cors". No request of ours can ask the runtime which it does.
 */
const CROSS_ORIGIN_TYPE = { fields: ["type"], why: "the response type after a cross-origin redirect the client followed" };

/**
 * Where a runtime's own fetch departs from the fetch standard, the case is not compared there
 * (skipped, with the reason): api.fetch then does what the standard and the other runtimes do.
 */
const EDGE_STATUS = "edge-runtime's fetch rebuilds every Response, so it rejects a status outside 200-599 with a RangeError";
const outsideConstructor = (status) => (status < 200 || status > 599 ? { edge: EDGE_STATUS } : undefined);
/** Fields a runtime's fetch gets wrong on every response, left out of the comparison there. */
const RUNTIME_QUIRKS = {
  edge: { fields: ["redirected", "clone"], why: "edge-runtime's fetch reports redirected: false after following a redirect, and its clone() has an empty url" },
};
/** api.fetch refuses on purpose what some runtimes' fetch sends (a URL with user:password@, TRACE, a method with a space). */
const WORKERD_BODY_HEADERS = "workerd's fetch keeps Content-Type when a redirect turns a POST into a GET without a body (the standard drops the body's headers)";
const DENO_NO_LOCATION = "Deno's fetch drops the body of a 3xx without Location that it was asked to follow";
const REFUSED = "tierfetch refuses it with a TypeError before sending, where this runtime's fetch sends it";

const hex = (text) => Array.from(text, (c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join("");
const enc = (text) => new TextEncoder().encode(text);

/**
 * The cases: { name, make(), skip? } where make() returns fresh [input, init] (a Request or a
 * signal is used once). `env`: { serverUrl, altUrl, runtime }.
 */
export function differentialCases(env) {
  const base = env.serverUrl;
  const alt = env.altUrl;
  /** A /diff URL with these query parameters (arrays repeat the key). */
  const diff = (params = {}, origin = base) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) for (const one of [].concat(v)) q.append(k, String(one));
    return `${origin}/diff?${q}`;
  };
  const echo = (params = {}) => diff({ echo: 1, ...params });
  const cases = [];
  const add = (name, make, opts = {}) => cases.push({ name, make, ...opts });

  // ---- statuses and reason phrases
  for (const status of STATUSES) {
    const quirks = [301, 302, 303, 307, 308].includes(status) ? { deno: DENO_NO_LOCATION } : outsideConstructor(status);
    add(`status ${status}`, () => [diff({ status, rx: hex("Reason") })], { quirks });
  }
  for (const [label, reason] of Object.entries(REASONS)) {
    for (const status of [200, 404, 799]) add(`reason ${label}, ${status}`, () => [diff({ status, rx: hex(reason) })], { quirks: outsideConstructor(status) });
  }
  add("status 204 to HEAD", () => [diff({ status: 204 }), { method: "HEAD" }]);
  add("status 200 to HEAD", () => [diff({ status: 200 }), { method: "HEAD" }]);
  add("status 699 to POST", () => [diff({ status: 699 }), { method: "POST", body: "x" }], { quirks: outsideConstructor(699) });

  // ---- response headers: duplicates, set-cookie, odd names, empty values
  add("response headers: duplicates, set-cookie, empty value", () => [
    diff({ h: ["x-dup: one", "x-dup: two", "set-cookie: a=1", "set-cookie: b=2", "x-empty:", "X-MiXeD-Case: v", "content-type: text/plain; charset=utf-8"] }),
  ]);

  // ---- request header forms
  add("headers: Headers object", () => [echo(), { headers: new Headers({ "x-a": "1", "x-b": "2" }) }]);
  add("headers: record", () => [echo(), { headers: { "x-a": "1", "X-B": "2" } }]);
  add("headers: array pairs with a duplicate", () => [echo(), { headers: [["x-a", "1"], ["x-a", "2"], ["x-b", "3"]] }]);
  add("headers: a Headers with appended duplicates", () => {
    const headers = new Headers();
    headers.append("x-a", "1");
    headers.append("X-A", "2");
    return [echo(), { headers }];
  });
  add("headers: values with surrounding spaces", () => [echo(), { headers: { "x-a": "  padded  " } }]);
  add("headers: a header fetch refuses (CR in the value)", () => [echo(), { headers: { "x-a": "a\rb" } }]);
  add("headers: an invalid header name", () => [echo(), { headers: { "x a": "1" } }]);

  // ---- body types
  const bodies = {
    string: () => "plain text é",
    URLSearchParams: () => new URLSearchParams({ a: "1", b: "two words" }),
    FormData: () => {
      const form = new FormData();
      form.append("field", "value");
      form.append("file", new Blob(["file body"], { type: "text/plain" }), "a.txt");
      return form;
    },
    Blob: () => new Blob(["blob body"], { type: "application/x-test" }),
    "Blob without type": () => new Blob(["blob body"]),
    ArrayBuffer: () => enc("array buffer").buffer,
    Uint8Array: () => enc("typed array"),
    "Uint8Array view of a larger buffer": () => new Uint8Array(enc("xxviewxx").buffer, 2, 4),
    DataView: () => new DataView(enc("data view").buffer),
    "empty string": () => "",
  };
  for (const [label, body] of Object.entries(bodies)) {
    add(`body ${label}: POST`, () => [echo(), { method: "POST", body: body() }]);
    add(`body ${label}: PUT with a content-type of its own`, () => [echo(), { method: "PUT", body: body(), headers: { "content-type": "application/x-mine" } }]);
    add(`body ${label} in a Request`, () => [new Request(echo(), { method: "POST", body: body() })]);
  }
  const stream = () =>
    new ReadableStream({
      start(c) {
        c.enqueue(enc("streamed "));
        c.enqueue(enc("body"));
        c.close();
      },
    });
  const streams = env.runtime !== "chromium" && env.runtime !== "firefox" ? undefined : "fetch streams uploads only over HTTP/2 (Chromium) or not at all (Firefox): the stream-upload cells cover it";
  add("body ReadableStream with duplex", () => [echo(), { method: "POST", body: stream(), duplex: "half" }], { skip: streams });
  add("body ReadableStream without duplex", () => [echo(), { method: "POST", body: stream() }], { skip: streams });
  add("body on a GET", () => [echo(), { method: "GET", body: "x" }]);
  add("body on a HEAD", () => [echo(), { method: "HEAD", body: "x" }]);

  // ---- methods
  for (const method of ["get", "post", "put", "delete", "patch", "options", "Patch", "PROPFIND", "custom-verb"]) {
    add(`method ${method}`, () => [echo(), { method, ...(method.toLowerCase() === "get" ? {} : { body: "m" }) }]);
  }
  add("method TRACE (forbidden)", () => [echo(), { method: "TRACE" }], { stricter: REFUSED });
  add("method with a space (invalid)", () => [echo(), { method: "BAD METHOD" }], { stricter: REFUSED });

  // ---- inputs, Request and init
  add("input URL object", () => [new URL(echo())]);
  add("input with a fragment", () => [`${diff({ status: 200 })}#frag`]);
  add("input relative", () => ["diff?status=200"]);
  add("input not a URL", () => ["http://"]);
  add("input with credentials", () => [echo().replace("http://", "http://user:pw@")], { stricter: REFUSED });
  add("input a Request", () => [new Request(echo(), { method: "PUT", body: "req", headers: { "x-r": "1" } })]);
  add("Request + init.headers replace its headers", () => [new Request(echo(), { headers: { "x-r": "1" } }), { headers: { "x-i": "2" } }]);
  add("Request + init.method, its body kept", () => [new Request(echo(), { method: "POST", body: "kept" }), { method: "PUT" }]);
  add("Request with a body + init.method GET", () => [new Request(echo(), { method: "POST", body: "kept" }), { method: "GET" }]);
  add("Request with a body + init.method HEAD", () => [new Request(echo(), { method: "POST", body: "kept" }), { method: "HEAD" }]);
  add("Request with a body + init.body replaces it", () => [new Request(echo(), { method: "POST", body: "old", headers: { "content-type": "text/x-old" } }), { body: "new" }]);
  add("Request with a body + init.body null", () => [new Request(echo(), { method: "POST", body: "old" }), { body: null }]);
  add("Request GET + init.body", () => [new Request(echo()), { body: "x" }]);
  add("Request GET + init.method POST and body", () => [new Request(echo()), { method: "POST", body: "x" }]);
  add("Request whose body was read", () => {
    const request = new Request(echo(), { method: "POST", body: "once" });
    return request.text().then(() => [request]);
  });
  add("Request with an aborted signal", () => [new Request(echo(), { signal: AbortSignal.abort(new Error("request's reason")) })]);
  add("Request with an aborted signal + init.signal null", () => [new Request(echo(), { signal: AbortSignal.abort(new Error("request's reason")) }), { signal: null }]);
  add("Request with an aborted signal + init.signal live", () => [new Request(echo(), { signal: AbortSignal.abort(new Error("request's reason")) }), { signal: new AbortController().signal }]);
  add("Request + init.signal aborted", () => [new Request(echo()), { signal: AbortSignal.abort(new Error("init's reason")) }]);
  add("init.signal aborted with no reason", () => {
    const c = new AbortController();
    c.abort();
    return [echo(), { signal: c.signal }];
  });
  add("init.signal undefined", () => [echo(), { signal: undefined }]);
  add("init.headers undefined, Request headers kept", () => [new Request(echo(), { headers: { "x-r": "1" } }), { headers: undefined }]);
  add("init.method undefined, Request method kept", () => [new Request(echo(), { method: "DELETE" }), { method: undefined }]);
  add("Request with redirect: manual", () => [new Request(diff({ status: 302, loc: "/diff?status=200" }), { redirect: "manual" })]);
  add("Request with redirect: manual + init.redirect follow", () => [new Request(diff({ status: 302, loc: "/diff?status=200" }), { redirect: "manual" }), { redirect: "follow" }]);
  add("Request with redirect: error", () => [new Request(diff({ status: 302, loc: "/diff?status=200" }), { redirect: "error" })]);
  add("input an object with a toString (fetch takes its string)", () => [{ toString: () => echo({ from: "toString" }) }]);
  add("input an object with a toString + init", () => [{ toString: () => echo() }, { method: "POST", body: "x" }]);
  add('init.duplex not "half" (fetch refuses it)', () => [echo(), { method: "POST", body: "x", duplex: "full" }]);
  add('init.duplex not "half" without a body', () => [echo(), { duplex: "bogus" }]);
  add("Request with cache: no-store", () => [new Request(echo(), { cache: "no-store" })]);
  add("Request with cache: no-store + init.headers", () => [new Request(echo(), { cache: "no-store" }), { headers: { "x-i": "1" } }]);
  add("Request with cache: no-store + init.cache default", () => [new Request(echo(), { cache: "no-store" }), { cache: "default" }]);
  add("Request with an integrity the body does not match", () => [new Request(echo(), { integrity: `sha256-${"A".repeat(43)}=` })]);
  const realms = typeof document === "undefined" ? "no other realm with a Request here: an iframe's (browsers)" : undefined;
  add(
    "input a Request from another realm (an iframe's)",
    () => {
      const frame = document.body.appendChild(document.createElement("iframe"));
      return [new frame.contentWindow.Request(echo(), { method: "POST", body: "realm", headers: { "x-r": "1" } })];
    },
    { skip: realms },
  );
  add(
    "input a Request from another realm + init",
    () => {
      const frame = document.body.appendChild(document.createElement("iframe"));
      return [new frame.contentWindow.Request(echo(), { method: "POST", body: "realm" }), { method: "PUT" }];
    },
    { skip: realms },
  );
  add("init null", () => [echo(), null], { lenient: "Node 18's fetch refuses init null with a TypeError (WebIDL reads null as an empty init, as Node 20+, Deno, Bun and browsers do)" });
  add("init with a cache mode", () => [echo(), { cache: "no-store" }]);
  add("init with an invalid mode value", () => [echo(), { mode: "bogus" }]);
  add("init with an invalid redirect value", () => [echo(), { redirect: "sometimes" }]);

  // ---- redirects: codes x methods x modes, relative Location, fragments, missing Location, chains
  const target = (params = {}) => `/diff?${new URLSearchParams({ echo: 1, ...params })}`;
  for (const code of [301, 302, 303, 307, 308]) {
    for (const mode of ["follow", "manual", "error"]) {
      add(`redirect ${code} GET, ${mode}`, () => [diff({ status: code, loc: target() }), { redirect: mode }]);
      const rewritten = mode === "follow" && code !== 307 && code !== 308 ? { workerd: WORKERD_BODY_HEADERS } : undefined;
      add(`redirect ${code} POST with a body, ${mode}`, () => [diff({ status: code, loc: target() }), { method: "POST", body: "payload", headers: { "content-type": "text/x-payload" }, redirect: mode }], { quirks: rewritten });
      add(`redirect ${code} without Location, ${mode}`, () => [diff({ status: code, body: "no location" }), { redirect: mode }], { quirks: mode === "follow" ? { deno: DENO_NO_LOCATION } : undefined });
    }
    add(`redirect ${code} relative Location (no slash)`, () => [diff({ status: code, loc: "diff?status=200&body=relative" })]);
    add(`redirect ${code} Location with a fragment`, () => [diff({ status: code, loc: "/diff?status=200#there" })], { quirks: { bun: "Bun's fetch keeps the Location's fragment in response.url (a response URL has none)" } });
    add(`redirect ${code} from a URL with a fragment`, () => [`${diff({ status: code, loc: "/diff?status=200" })}#here`]);
    add(`redirect ${code} to another origin`, () => [diff({ status: code, loc: diff({ echo: 1 }, alt) })], { ignore: CROSS_ORIGIN_TYPE });
  }
  add("redirect Location ../ relative", () => [diff({ status: 302, loc: "../diff?status=200&body=up" })]);
  add("redirect Location not a URL", () => [diff({ status: 302, loc: "http://" })]);
  add("redirect Location to a non-http scheme", () => [diff({ status: 302, loc: "data:text/plain,hi" })]);
  add("redirect Location empty", () => [diff({ status: 302, h: "location:" })], { quirks: { bun: "Bun's fetch returns a 302 with an empty Location instead of following it to the same URL (a loop, then a TypeError)" } });
  add("redirect 300 with Location (not followed)", () => [diff({ status: 300, loc: target() })]);
  add("redirect 304 with Location", () => [diff({ status: 304, loc: target() })]);
  add("redirect 399 with Location", () => [diff({ status: 399, loc: target() })]);
  add(
    "redirect chain 301 -> 307 -> 308 -> echo",
    () => {
      const last = diff({ status: 308, loc: target({ hop: 3 }) });
      const middle = diff({ status: 307, loc: last });
      return [diff({ status: 301, loc: middle }), { method: "POST", body: "chain" }];
    },
    { quirks: { workerd: WORKERD_BODY_HEADERS } },
  );
  add("redirect chain 307 -> 303 -> echo, PUT", () => [diff({ status: 307, loc: diff({ status: 303, loc: target() }) }), { method: "PUT", body: "chain" }], { quirks: { workerd: WORKERD_BODY_HEADERS } });
  add("redirect chain with a fragment on the first hop only", () => [diff({ status: 302, loc: `${diff({ status: 302, loc: "/diff?status=200" })}#first` })]);
  add("redirect chain ending in 404", () => [diff({ status: 302, loc: diff({ status: 404, body: "gone" }) })]);
  add("redirect chain ending in 799", () => [diff({ status: 302, loc: diff({ status: 799, rx: hex("Odd") }) })], { quirks: outsideConstructor(799) });
  add("redirect to a 204", () => [diff({ status: 302, loc: "/diff?status=204" })]);
  add("redirect loop", () => [diff({ status: 302, loc: "/diff?status=302&loc=%2Fdiff%3Fstatus%3D302%26loc%3D%252Fdiff%253Fstatus%253D200" })]);
  add("redirect 301 HEAD", () => [diff({ status: 301, loc: target() }), { method: "HEAD" }]);
  add("redirect 303 HEAD", () => [diff({ status: 303, loc: target() }), { method: "HEAD" }]);
  add("redirect 302 DELETE with a body", () => [diff({ status: 302, loc: target() }), { method: "DELETE", body: "d" }]);
  add("redirect 307 with a ReadableStream body", () => [diff({ status: 307, loc: target() }), { method: "POST", body: stream(), duplex: "half" }], { skip: streams });
  return cases;
}

/** The body's bytes as a string of char codes (compared exactly, shown readably). */
function bytesOf(buffer) {
  const bytes = new Uint8Array(buffer);
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += String.fromCharCode(bytes[i]);
  return out;
}

/** What a Response shows (without its body). */
function fields(res) {
  const headers = [];
  res.headers.forEach((value, name) => {
    if (name !== "date") headers.push([name, value]);
  });
  return { isResponse: res instanceof Response, status: res.status, statusText: res.statusText, ok: res.ok, url: res.url, redirected: res.redirected, type: res.type, headers, bodyNull: res.body === null };
}

/** The kind of a rejection: the reason of the signal, an AbortError, a TypeError (tierfetch's NetworkError and RedirectError stand for it, as documented), or another class. */
export function rejectionKind(error, lib) {
  if (error && typeof error === "object" && error.name === "AbortError") return "AbortError";
  if (error instanceof TypeError) return "TypeError";
  if (lib && (error instanceof lib.NetworkError || error?.code === "ERR_REDIRECT")) return "TypeError";
  if (error instanceof Error && /reason$/.test(error.message)) return `the signal's reason: ${error.message}`;
  return `${error?.name ?? typeof error}: ${error?.message ?? String(error)}`.slice(0, 120);
}

/**
 * Runs one case through `fetchFn` and returns what it shows: the Response's fields, the body
 * bytes, a clone's fields and bytes, whether the headers are immutable; or the rejection's kind.
 */
export async function observe(testCase, fetchFn, lib) {
  let res;
  try {
    const [input, init] = await testCase.make();
    res = await (init === undefined ? fetchFn(input) : fetchFn(input, init));
  } catch (error) {
    return { rejected: rejectionKind(error, lib) };
  }
  const out = fields(res);
  let copy;
  try {
    copy = res.clone();
    out.clone = fields(copy);
  } catch (error) {
    out.clone = { threw: rejectionKind(error, lib) };
  }
  try {
    res.headers.set("x-probe", "1");
    out.headersImmutable = res.headers.get("x-probe") !== "1";
  } catch {
    out.headersImmutable = true;
  }
  try {
    out.body = bytesOf(await res.arrayBuffer());
  } catch (error) {
    out.body = { rejected: rejectionKind(error, lib) };
  }
  if (copy) {
    try {
      out.cloneBody = bytesOf(await copy.arrayBuffer());
    } catch (error) {
      out.cloneBody = { rejected: rejectionKind(error, lib) };
    }
  }
  return out;
}

/** The client every case goes through: no baseUrl, the default retry policy with its delays shortened. */
export function differentialClient(lib) {
  return lib.createClient({ retry: { minDelay: 1, maxDelay: 10 } });
}

/** Both observations without the fields a case's known difference covers (outside browsers, which follow redirects themselves). */
export function comparable(observation, testCase, env) {
  const fields = [...(RUNTIME_QUIRKS[env.runtime]?.fields ?? []), ...(testCase.ignore && env.runtime !== "chromium" && env.runtime !== "firefox" ? testCase.ignore.fields : [])];
  if (!fields.length) return observation;
  const drop = (o) => {
    if (!o || typeof o !== "object") return o;
    const out = { ...o };
    for (const field of fields) delete out[field];
    return out;
  };
  const out = drop(observation);
  if (out.clone) out.clone = drop(out.clone);
  return out;
}

/**
 * Whether two observations agree. A case marked `lenient` (a runtime's fetch bug, named there)
 * also passes when that runtime's fetch rejected and api.fetch resolved.
 */
export function agree(actual, expected, testCase, env) {
  if (testCase.lenient && expected.rejected && !actual.rejected) return { actual: expected, expected };
  if (testCase.stricter && actual.rejected === "TypeError" && !expected.rejected) return { actual: expected, expected };
  return { actual: comparable(actual, testCase, env), expected: comparable(expected, testCase, env) };
}

/** The fields of two observations that differ, each with both values (short). */
export function differences(actual, expected) {
  const text = (v) => (JSON.stringify(v) ?? "undefined").slice(0, 240);
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
  return keys.filter((k) => text(actual[k]) !== text(expected[k]) || JSON.stringify(actual[k]) !== JSON.stringify(expected[k])).map((k) => `${k}: fetch ${text(expected[k])}, api.fetch ${text(actual[k])}`);
}

/** The harness options of a case: skipped where it cannot run, or where the runtime's fetch has a quirk. */
export function skipOf(testCase, env) {
  if (testCase.skip) return { skip: testCase.skip };
  const quirk = testCase.quirks?.[env.runtime];
  return quirk ? { skip: `a quirk of this runtime's fetch: ${quirk}` } : {};
}

/** Registers one test per case: `differential: <case>`, asserting api.fetch shows what fetch shows. */
export function defineDifferential(h, lib, env) {
  for (const testCase of differentialCases(env)) {
    h.test(
      `differential: ${testCase.name}`,
      async () => {
        const expected = await observe(testCase, (input, init) => fetch(input, init), lib);
        const actual = await observe(testCase, differentialClient(lib).fetch, lib);
        const compared = agree(actual, expected, testCase, env);
        const differing = differences(compared.actual, compared.expected);
        if (differing.length) h.fail(`api.fetch differs from fetch: ${differing.join("; ")}`);
      },
      skipOf(testCase, env),
    );
  }
}
