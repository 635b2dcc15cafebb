// Credentials in a URL (`https://user:password@host`) are refused before anything is sent,
// with a TypeError naming the option and the user name and password masked: as `baseUrl`
// (createClient throws), as a request URL (the call rejects), and through checkNoCredentials
// directly. Without it, fetch refuses the Request with a message quoting the password, and
// that message became the error the app logs.
import { describe, expect, it } from "vitest";
import { createClient } from "../../src/index.js";
import { checkNoCredentials } from "../../src/http/url.js";

const USER = "USER-SECRET-1";
const PASSWORD = "PW-SECRET-2";

/** Spellings the URL parser reads as user info (it drops tabs, newlines and leading spaces). */
const WITH_CREDENTIALS = [
  `https://${USER}:${PASSWORD}@api.example.com/v2`,
  `https://${USER}@api.example.com`,
  `https://:${PASSWORD}@api.example.com/`,
  `HTTPS://${USER}:${PASSWORD}@api.example.com/`,
  `http://${USER}:${PASSWORD}@127.0.0.1:8080/base`,
  `https://${USER}:${encodeURIComponent(`${PASSWORD}@:/`)}@api.example.com/`,
  `https:${USER}:${PASSWORD}@api.example.com/`,
  `https:\\\\${USER}:${PASSWORD}@api.example.com/`,
  `  https://${USER}:${PASSWORD}@api.example.com/`,
  `https://${USER}:${PASSWORD.slice(0, 4)}\t${PASSWORD.slice(4)}@api.example.com/`,
  `https://a@b:${PASSWORD}@api.example.com/`,
];

/** The error `work` throws (synchronously or as a rejection). */
async function caught(work: () => unknown): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  return undefined;
}

function expectRefused(error: unknown, option: string, input: string): void {
  expect(error, input).toBeInstanceOf(TypeError);
  const message = (error as TypeError).message;
  expect(message).toContain(`option "${option}"`);
  expect(message).toMatch(/credentials/);
  for (const secret of [USER, PASSWORD, PASSWORD.slice(4), encodeURIComponent(`${PASSWORD}@:/`)]) expect(message, input).not.toContain(secret);
}

describe("credentials in a URL are refused, masked, before anything is sent", () => {
  it("baseUrl with user info: createClient throws a TypeError naming baseUrl", async () => {
    for (const baseUrl of WITH_CREDENTIALS) {
      expectRefused(await caught(() => createClient({ baseUrl, fetch: async () => new Response("ok") })), "baseUrl", baseUrl);
      expectRefused(await caught(() => createClient({ baseUrl: new URL(baseUrl), fetch: async () => new Response("ok") })), "baseUrl", baseUrl);
    }
  });

  it("extend() with a baseUrl holding user info throws too", async () => {
    const api = createClient({ baseUrl: "https://api.example.com", fetch: async () => new Response("ok") });
    expectRefused(await caught(() => api.extend({ baseUrl: WITH_CREDENTIALS[0] })), "baseUrl", WITH_CREDENTIALS[0]!);
  });

  it("a request URL with user info rejects with a TypeError naming url, and nothing is sent", async () => {
    let sent = 0;
    const api = createClient({ baseUrl: "https://api.example.com", retry: false, fetch: async () => (sent++, new Response("ok")) });
    // The spellings that are absolute URLs for a request (a relative path is joined under baseUrl).
    for (const url of WITH_CREDENTIALS.filter((u) => /^[a-z]+:\/\//i.test(u))) {
      expectRefused(await caught(() => api.get(url).text()), "url", url);
      expectRefused(await caught(() => api.post(new URL(url), { json: { a: 1 } }).json()), "url", url);
    }
    expect(sent).toBe(0);
  });

  it("a relative path holding `user:pw@` stays a path under baseUrl (no credentials are read from it)", async () => {
    const seen: string[] = [];
    const api = createClient({ baseUrl: "https://api.example.com/v2", retry: false, fetch: async (input: Request | string) => (seen.push(typeof input === "string" ? input : input.url), new Response("ok")) });
    await api.get(`//${USER}:${PASSWORD}@evil.example/x`).text();
    const url = new URL(seen[0]!);
    expect([url.origin, url.username, url.password]).toEqual(["https://api.example.com", "", ""]);
  });

  it("checkNoCredentials: the same rule for any URL, the option named", () => {
    for (const url of WITH_CREDENTIALS) {
      let error: unknown;
      try {
        checkNoCredentials(url, "redirect target");
      } catch (e) {
        error = e;
      }
      expectRefused(error, "redirect target", url);
      expect(() => checkNoCredentials(new URL(url), "url")).toThrow(TypeError);
    }
    // No user info, an empty one, a relative path or a string that is not a URL: nothing to refuse.
    for (const ok of ["https://api.example.com/v2?user=a&password=b", "https://@api.example.com/", "/users/me", "not a url", "mailto:someone@example.com", "https://api.example.com/a@b"]) {
      expect(() => checkNoCredentials(ok, "url"), ok).not.toThrow();
    }
  });
});
