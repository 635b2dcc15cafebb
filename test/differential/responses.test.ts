/**
 * What the differential suite found, on the client's own requests too: a Response the runtime's
 * fetch resolves with is shown as it is (any status, any reason phrase, url and redirected on
 * its clones), not rebuilt into one the Response constructor accepts.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createClient, HttpError } from "../../src/index.js";
// @ts-expect-error plain JS shared with the conformance runners
import { startServer } from "../support/conformance-server.mjs";

let server: { url: string; state: Map<string, { hits: number }>; close(): Promise<void> };
beforeAll(async () => {
  server = await startServer({ ttl: 120_000 });
});
afterAll(() => server?.close());

const hex = (text: string) => Array.from(text, (c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join("");
const quick = { retry: { minDelay: 1, maxDelay: 5 } };

describe("responses the Response constructor refuses", () => {
  test("a 799 is an HttpError with status 799, sent once (was a NetworkError, retried 4 times)", async () => {
    const api = createClient({ baseUrl: server.url, ...quick });
    const error = await api.get("diff?status=799&key=s799").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(799);
    expect(await (error as HttpError).response.text()).toBe("diff body");
    expect(server.state.get("s799")?.hits).toBe(1);
  });

  test("a 650 with throwHttpErrors: false resolves with status, statusText and body", async () => {
    const res = await createClient({ baseUrl: server.url, ...quick }).get(`diff?status=650&rx=${hex("Custom")}`, { throwHttpErrors: false });
    expect([res.status, res.statusText, res.ok, await res.text()]).toEqual([650, "Custom", false, "diff body"]);
  });

  test("a reason phrase with a control character or obs-text resolves as fetch shows it", async () => {
    for (const reason of ["x\u0001y", "caf\u00e9"]) {
      const path = `diff?status=200&rx=${hex(reason)}`;
      const expected = (await fetch(`${server.url}/${path}`)).statusText;
      const res = await createClient({ baseUrl: server.url, ...quick }).get(path);
      expect(res.statusText).toBe(expected);
      expect(await res.text()).toBe("diff body");
    }
  });

  test("clone() of a response after a followed redirect keeps url (without the fragment) and redirected", async () => {
    const res = await createClient({ baseUrl: server.url, ...quick }).get(`diff?status=302&loc=${encodeURIComponent("/diff?status=200#frag")}`);
    const copy = res.clone();
    expect([res.url, res.redirected]).toEqual([`${server.url}/diff?status=200`, true]);
    expect([copy.url, copy.redirected, copy.status]).toEqual([`${server.url}/diff?status=200`, true, 200]);
    expect([await res.text(), await copy.text()]).toEqual(["diff body", "diff body"]);
  });

  test('redirect: "error" refuses a 302 without Location, as fetch does', async () => {
    const api = createClient({ baseUrl: server.url, redirect: "error", ...quick });
    await expect(fetch(`${server.url}/diff?status=302`, { redirect: "error" })).rejects.toBeInstanceOf(TypeError);
    await expect(api.get("diff?status=302")).rejects.toMatchObject({ code: "ERR_REDIRECT" });
  });
});

describe("api.fetch with a Request, where the runtime has no Request.body (Firefox)", () => {
  // Firefox does not implement Request.prototype.body: the body was taken as absent and the
  // request went without it (12 differential cases failed in Firefox).
  class FirefoxLikeRequest extends Request {
    override get body(): null {
      return undefined as unknown as null;
    }
  }

  test("a POST Request's body is read and sent; a GET has none", async () => {
    const api = createClient(quick);
    const post = await (await api.fetch(new FirefoxLikeRequest(`${server.url}/diff?echo=1`, { method: "POST", body: "sent" }))).json();
    expect([post.method, post.body]).toEqual(["POST", "sent"]);
    const get = await (await api.fetch(new FirefoxLikeRequest(`${server.url}/diff?echo=1`))).json();
    expect([get.method, get.body]).toEqual(["GET", ""]);
  });
});
