/**
 * paginate(api, …) under attack from the server's Link header, against real loopback servers:
 * a next link that repeats (also spelled another way), one that points to another origin (the
 * token must not follow), one with userinfo tricks, 40,000 spaces in the path, and a Link
 * field of 40,000+ characters (read in linear time).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import { paginate, TierfetchError } from "../../src/index.js";
import { linkNext } from "../../src/features/paginate.js";
import { useClients } from "./support/clients.js";
import { useServer } from "./support/server.js";

const srv = useServer();
const client = useClients(srv);

const others: Server[] = [];
afterEach(async () => {
  for (const s of others.splice(0)) await new Promise((r) => (s.closeAllConnections(), s.close(r)));
});

/** A second origin (another port) recording the Authorization header of each request. */
async function otherOrigin(): Promise<{ url: string; auth: (string | undefined)[] }> {
  const auth: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    auth.push(req.headers.authorization);
    res.writeHead(200, { "content-type": "application/json" }).end("[\"other\"]");
  });
  others.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, auth };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("paginate: hostile next links", { timeout: 15_000 }, () => {
  test("a next link that repeats, also spelled another way (absolute, with a fragment, ./): ERR_PAGINATION", async () => {
    const links = ["</p>", `<${srv().url}/p#again>`, "<./p>", "</x/../p>"];
    for (const link of links) {
      srv().route("/p", (_req, res) => void res.writeHead(200, { "content-type": "application/json", link: `${link}; rel="next"` }).end("[1]"));
      const error = await collect(paginate(client(), "p")).catch((e: unknown) => e);
      expect(error, link).toBeInstanceOf(TierfetchError);
      expect((error as TierfetchError).code).toBe("ERR_PAGINATION");
    }
  });

  test("a next link to another origin: followed, without the token", async () => {
    const other = await otherOrigin();
    srv().route("/p", (req, res) => {
      expect(req.headers.authorization).toBe("Bearer PAGE-SECRET");
      res.writeHead(200, { "content-type": "application/json", link: `<${other.url}/steal>; rel="next"` }).end("[\"home\"]");
    });
    const api = client({ token: "PAGE-SECRET" });
    expect(await collect(paginate(api, "p"))).toEqual(["home", "other"]);
    expect(other.auth).toEqual([undefined]);
  });

  test("userinfo tricks in the next link (host@other, a backslash): the token never leaves its origin", async () => {
    const other = await otherOrigin();
    const port = srv().port;
    const host = other.url.slice("http://".length);
    for (const link of [`http://127.0.0.1:${port}@${host}/x`, `http://127.0.0.1:${port}\\@${host}/x`, `//${host}/x`]) {
      srv().route("/p", (_req, res) => void res.writeHead(200, { "content-type": "application/json", link: `<${link}>; rel="next"` }).end("[\"home\"]"));
      const api = client({ token: "PAGE-SECRET-2" });
      await collect(paginate(api, "p")).catch(() => {});
    }
    expect(other.auth.filter((a) => a !== undefined)).toEqual([]);
    const homeHits = srv().hits.filter((h) => h.path !== "/p");
    for (const hit of homeHits) expect(hit.headers.authorization).toBe("Bearer PAGE-SECRET-2");
  });

  test("40,000 spaces in the path: one request (the server refuses its size), ended at once", async () => {
    srv().route("/p", (_req, res) => void res.writeHead(200, { "content-type": "application/json" }).end("[1]"));
    const t0 = performance.now();
    const error = await collect(paginate(client({ retry: 0 }), `p${" ".repeat(40_000)}x`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  test("40,000 spaces in the path: the error's message quotes a bounded URL (not 120 KB of %20)", async () => {
    srv().route("/p", (_req, res) => void res.writeHead(200, { "content-type": "application/json" }).end("[1]"));
    const error = await client({ retry: 0 }).get(`p${" ".repeat(40_000)}x?token=s3cret`).text().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const { message } = error as Error;
    expect(message.length).toBeLessThan(3000);
    expect(message).not.toContain("s3cret");
    expect(JSON.stringify(error).length).toBeLessThan(6000);
  });

  test("a next link with 4,000 spaces in its path (inside undici's 16 KB head): sent encoded, one page each", async () => {
    srv().route("/p", (_req, res) => void res.writeHead(200, { "content-type": "application/json", link: `</a${" ".repeat(4000)}b>; rel="next"` }).end("[1]"));
    srv().route(`/a${"%20".repeat(4000)}b`, (_req, res) => void res.writeHead(200, { "content-type": "application/json" }).end("[2]"));
    expect(await collect(paginate(client(), "p"))).toEqual([1, 2]);
  });
});

describe("linkNext on fields undici would never deliver (a custom fetch can)", () => {
  const next = (link: string) => linkNext({ response: Object.defineProperty(new Response(null, { headers: { link } }), "url", { value: "http://h/p" }) });

  test.each([
    ["a lone ; and 400,000 blanks", () => `<a>;${" ".repeat(400_000)}`],
    ["100,000 ; rel", () => `<a>${"; rel".repeat(100_000)}`],
    ["100,000 commas and blanks", () => `${", ".repeat(100_000)}<b>; rel=prev`],
    ["100,000 parts", () => "<a>; rel=prev, ".repeat(100_000)],
    ["rel= and blanks", () => `<a>; rel=${" ".repeat(400_000)}`],
  ])("%s: read in linear time, no next", (_name, make) => {
    const field = make();
    const t0 = performance.now();
    expect(next(field)).toBeUndefined();
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  test("a next among 10,000 other links is found", () => {
    expect(next(`${"<a>; rel=prev, ".repeat(10_000)}</n?page=2>; rel="next"`)).toBe("http://h/n?page=2");
  });
});
