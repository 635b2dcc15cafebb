import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { createClient } from "../../../src/index.js";
import { useMockServer } from "../helpers/msw.js";

const { server, seen } = useMockServer();

/** Answers every request to any host with 200 "ok". */
function okEverywhere(): void {
  server.use(http.all("*", () => HttpResponse.text("ok")));
}

describe("baseUrl", () => {
  for (const base of ["https://api.test/v2", "https://api.test/v2/"]) {
    for (const path of ["users", "/users"]) {
      it(`joins ${JSON.stringify(path)} under ${JSON.stringify(base)} keeping the base path`, async () => {
        okEverywhere();
        await createClient({ baseUrl: base }).get(path);
        expect(seen.map((r) => r.url)).toEqual(["https://api.test/v2/users"]);
      });
    }
  }

  it("joins nested paths and keeps their query", async () => {
    okEverywhere();
    await createClient({ baseUrl: "https://api.test/v2/" }).get("users/42/posts?sort=asc");
    expect(seen[0]!.url).toBe("https://api.test/v2/users/42/posts?sort=asc");
  });

  it("joins under a base with no path", async () => {
    okEverywhere();
    await createClient({ baseUrl: "https://api.test" }).get("/users");
    expect(seen[0]!.url).toBe("https://api.test/users");
  });

  it("keeps a leading double slash under the base's origin instead of treating it as a host", async () => {
    okEverywhere();
    await createClient({ baseUrl: "https://api.test/v2" }).get("//evil.test/x");
    expect(new URL(seen[0]!.url).origin).toBe("https://api.test");
  });

  it("lets an absolute URL string bypass baseUrl", async () => {
    okEverywhere();
    await createClient({ baseUrl: "https://api.test/v2" }).get("https://other.test/health");
    expect(seen.map((r) => r.url)).toEqual(["https://other.test/health"]);
  });

  it("lets a URL object bypass baseUrl", async () => {
    okEverywhere();
    await createClient({ baseUrl: "https://api.test/v2" }).get(new URL("https://other.test/a?b=1"));
    expect(seen.map((r) => r.url)).toEqual(["https://other.test/a?b=1"]);
  });

  for (const path of ["../admin", "users/../../admin", "users/..", "%2e%2e/admin", "users/%2E%2E/%2e%2e/admin", "..\\admin"]) {
    it(`refuses the path ${JSON.stringify(path)} that would climb out of baseUrl, sending nothing`, async () => {
      okEverywhere();
      const error = await createClient({ baseUrl: "https://api.test/v2/" }).get(path).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect(seen).toHaveLength(0);
    });
  }

  it("accepts dots that are not a whole segment", async () => {
    okEverywhere();
    await createClient({ baseUrl: "https://api.test/v2/" }).get("files/a..b/.well");
    expect(seen[0]!.url).toBe("https://api.test/v2/files/a..b/.well");
  });
});

describe("headers", () => {
  it("sends the client's default headers", async () => {
    okEverywhere();
    await createClient({ baseUrl: "https://api.test", headers: { "x-app": "demo" } }).get("a");
    expect(seen[0]!.headers["x-app"]).toBe("demo");
  });

  it("lets a request header override a default by name, case-insensitively", async () => {
    okEverywhere();
    const api = createClient({ baseUrl: "https://api.test", headers: { "X-App": "demo", Accept: "text/plain" } });
    await api.get("a", { headers: { "x-app": "mine", ACCEPT: "application/xml" } });
    expect(seen[0]!.headers["x-app"]).toBe("mine");
    expect(seen[0]!.headers.accept).toBe("application/xml");
  });

  it("removes a default header when the request sets it to undefined", async () => {
    okEverywhere();
    const api = createClient({ baseUrl: "https://api.test", headers: { "X-App": "demo", "x-keep": "1" } });
    await api.get("a", { headers: { "x-app": undefined } });
    expect(seen[0]!.headers).not.toHaveProperty("x-app");
    expect(seen[0]!.headers["x-keep"]).toBe("1");
  });

  it("accepts headers as a Headers object and as pairs", async () => {
    okEverywhere();
    const api = createClient({ baseUrl: "https://api.test", headers: new Headers({ "x-a": "1" }) });
    await api.get("a", { headers: [["x-b", "2"]] });
    expect(seen[0]!.headers).toMatchObject({ "x-a": "1", "x-b": "2" });
  });

  it("does not let one request's headers leak into the next", async () => {
    okEverywhere();
    const api = createClient({ baseUrl: "https://api.test", headers: { "x-app": "demo" } });
    await api.get("a", { headers: { "x-once": "1", "x-app": undefined } });
    await api.get("b");
    expect(seen[1]!.headers["x-app"]).toBe("demo");
    expect(seen[1]!.headers).not.toHaveProperty("x-once");
  });
});

describe("query", () => {
  const query = (i = 0) => new URL(seen[i]!.url).searchParams;

  it("merges the client's query with the request's", async () => {
    okEverywhere();
    await createClient({ baseUrl: "https://api.test", query: { locale: "en" } }).get("a", { query: { page: 2 } });
    expect(query().get("locale")).toBe("en");
    expect(query().get("page")).toBe("2");
  });

  it("repeats the key for an array value", async () => {
    okEverywhere();
    await createClient({ baseUrl: "https://api.test" }).get("a", { query: { tag: ["x", "y", "z"] } });
    expect(query().getAll("tag")).toEqual(["x", "y", "z"]);
  });

  it("drops undefined and null values, at the top level and inside arrays", async () => {
    okEverywhere();
    await createClient({ baseUrl: "https://api.test" }).get("a", { query: { a: undefined, b: null, c: ["1", null, undefined, "2"], d: "" } });
    expect(query().has("a")).toBe(false);
    expect(query().has("b")).toBe(false);
    expect(query().getAll("c")).toEqual(["1", "2"]);
    expect(query().get("d")).toBe("");
  });

  it("writes a Date as ISO 8601 and other values with String()", async () => {
    okEverywhere();
    const since = new Date(Date.UTC(2024, 1, 29, 12, 30, 0, 5));
    await createClient({ baseUrl: "https://api.test" }).get("a", { query: { since, n: 1.5, yes: true, no: false, big: 10n } });
    expect(query().get("since")).toBe("2024-02-29T12:30:00.005Z");
    expect(query().get("n")).toBe("1.5");
    expect(query().get("yes")).toBe("true");
    expect(query().get("no")).toBe("false");
    expect(query().get("big")).toBe("10");
  });

  it("keeps the query parameters already in the URL", async () => {
    okEverywhere();
    await createClient({ baseUrl: "https://api.test", query: { locale: "en" } }).get("a?sort=asc&sort=desc", { query: { page: 1 } });
    expect(query().getAll("sort")).toEqual(["asc", "desc"]);
    expect(query().get("locale")).toBe("en");
    expect(query().get("page")).toBe("1");
  });

  it("keeps the query of an absolute URL", async () => {
    okEverywhere();
    await createClient({ query: { locale: "en" } }).get("https://api.test/a?x=1");
    expect(query().get("x")).toBe("1");
    expect(query().get("locale")).toBe("en");
  });

  it("encodes keys and values", async () => {
    okEverywhere();
    await createClient({ baseUrl: "https://api.test" }).get("a", { query: { "a b": "c&d=e" } });
    expect(query().get("a b")).toBe("c&d=e");
  });

  it("accepts URLSearchParams", async () => {
    okEverywhere();
    await createClient({ baseUrl: "https://api.test" }).get("a", { query: new URLSearchParams([["k", "1"], ["k", "2"]]) });
    expect(query().getAll("k")).toEqual(["1", "2"]);
  });
});
