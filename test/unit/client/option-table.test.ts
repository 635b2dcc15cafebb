// The option table's rules, option by option: where each may be set, and that a request's or a
// child's values are resolved over the inherited ones without ever writing into them (the
// defaults, the client's config and its init record are shared by every call).
import { describe, expect, it } from "vitest";
import { createClient } from "../../../src/index.js";
import { scriptedFetch } from "../helpers/fetch.js";

const ok = () => new Response("{}", { headers: { "content-type": "application/json" } });

describe("where an option may be set", () => {
  const fn = () => "t";
  it.each([
    ["baseUrl", "https://b.test/"],
    ["token", "secret-token"],
    ["timeouts", { short: "1s" }],
    ["fetch", fn],
    ["allowHttp", true],
  ])("client-only %s on a request: TypeError naming it, nothing sent", async (name, value) => {
    const fetch = scriptedFetch(ok());
    const { calls } = fetch;
    const api = createClient({ baseUrl: "https://a.test/", fetch });
    await expect(api.get("x", { [name]: value } as never).json()).rejects.toThrow(new TypeError(`tierfetch: option "${name}" is a client option: set it in createClient() or extend()`));
    expect(calls).toHaveLength(0);
  });

  it.each([
    ["json", { a: 1 }],
    ["body", "text"],
    ["signal", new AbortController().signal],
    ["idempotencyKey", "k1"],
    ["onUploadProgress", () => {}],
  ])("request-only %s on a client or a child: TypeError naming it", (name, value) => {
    const message = `tierfetch: option "${name}" is a request option: pass it to a request, not to createClient()`;
    expect(() => createClient({ [name]: value } as never)).toThrow(new TypeError(message));
    expect(() => createClient().extend({ [name]: value } as never)).toThrow(new TypeError(message));
  });
});

describe("a request resolves over its client's values without writing into them", () => {
  it("a burst of requests, each with its own headers, query and init fields, sends only its own; the client's are untouched", async () => {
    const fetch = scriptedFetch(ok());
    const { calls } = fetch;
    const api = createClient({ baseUrl: "https://a.test/", fetch, headers: { "x-client": "c" }, query: { q: "c" }, cache: "no-store" });
    const n = 40;
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        api
          .get(`r${i}`, {
            headers: { [`x-req-${i}`]: String(i) },
            query: { [`p${i}`]: i },
            mode: i % 2 ? "cors" : "same-origin",
            init: { [`flag${i}`]: i },
          })
          .json(),
      ),
    );
    expect(calls).toHaveLength(n);
    for (const call of calls) {
      const i = Number(/\/r(\d+)\?/.exec(call.url)![1]);
      expect(call.url).toBe(`https://a.test/r${i}?q=c&p${i}=${i}`);
      expect(Object.keys(call.headers).filter((h) => h.startsWith("x-"))).toEqual(["x-client", `x-req-${i}`]);
      const init = call.init as Record<string, unknown>;
      expect(init.cache).toBe("no-store");
      expect(init.mode).toBe(i % 2 ? "cors" : "same-origin");
      expect(Object.keys(init).filter((k) => k.startsWith("flag"))).toEqual([`flag${i}`]);
    }

    // A plain request afterwards: the client's values only.
    await api.get("plain").json();
    const last = calls[n]!;
    expect(last.url).toBe("https://a.test/plain?q=c");
    expect(Object.keys(last.headers).filter((h) => h.startsWith("x-"))).toEqual(["x-client"]);
    expect(Object.keys(last.init as object).filter((k) => k.startsWith("flag") || k === "mode")).toEqual([]);
  });

  it("a burst of requests with hooks of their own: each runs the client's and its own, and none is kept", async () => {
    const seen: string[] = [];
    const api = createClient({ baseUrl: "https://a.test/", fetch: scriptedFetch(ok()), hooks: { beforeRequest: [() => void seen.push("client")] } });
    const n = 40;
    await Promise.all(Array.from({ length: n }, (_, i) => api.get(`r${i}`, { hooks: { beforeRequest: [() => void seen.push(`req${i}`)] } }).json()));
    expect(seen.filter((s) => s === "client")).toHaveLength(n);
    expect(new Set(seen.filter((s) => s !== "client")).size).toBe(n);
    seen.length = 0;
    await api.get("plain").json();
    expect(seen).toEqual(["client"]);
  });

  it("a child's init fields stay the child's: neither the parent nor a fresh client sees them", async () => {
    const fetch = scriptedFetch(ok());
    const { calls } = fetch;
    const parent = createClient({ baseUrl: "https://a.test/", fetch });
    const child = parent.extend({ credentials: "include", init: { flag: 1 }, timeouts: { medium: "1s" } });
    await child.get("c").json();
    await parent.get("p").json();
    await createClient({ baseUrl: "https://a.test/", fetch }).get("f").json();
    const init = calls.map((c) => c.init as Record<string, unknown>);
    expect([init[0]!.credentials, init[0]!.flag]).toEqual(["include", 1]);
    for (const other of init.slice(1)) expect([other.credentials, other.flag]).toEqual([undefined, undefined]);
  });
});
