/**
 * The habits users bring from curl (-X, -d, -i, -L, -u, -s, -f) and HTTPie / xh (request
 * items, `:3000` shorthand, --pretty), each against a node:http server on 127.0.0.1.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./support/harness.js";

let h: Harness;
let port: string;
const PASSWORD = "s3cr3t-Pa55word";

beforeAll(async () => {
  h = await startHarness();
  port = new URL(h.base).port;
  h.routes.set("/echo", (req, res, body) => {
    res.writeHead(200, { "content-type": "application/json", "x-served-by": "echo" });
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: body.toString() }));
  });
  h.routes.set("/moved", (_req, res) => {
    res.writeHead(302, { location: "/echo?from=moved", "content-type": "text/plain" }).end("see /echo");
  });
}, 60_000);

afterAll(() => h?.close());

/** The requests the server saw during `run`. */
async function sent(run: () => Promise<unknown>) {
  const before = h.seen.length;
  await run();
  return h.seen.slice(before);
}

describe("curl's flags", () => {
  it("-X sets the method, attached (-XPUT) or not", async () => {
    const a = await h.cli(["-X", "DELETE", `${h.base}/echo`]).done;
    expect(JSON.parse(a.stdout).method).toBe("DELETE");
    const b = await h.cli(["-XPUT", `${h.base}/echo`]).done;
    expect(JSON.parse(b.stdout).method).toBe("PUT");
  });

  it("-d sends a form POST; several -d are joined with &", async () => {
    const r = await h.cli([`${h.base}/echo`, "-d", "a=1", "-d", "b=two words"]).done;
    expect(r.code).toBe(0);
    const got = JSON.parse(r.stdout);
    expect(got.method).toBe("POST");
    expect(got.body).toBe("a=1&b=two words");
    expect(got.headers["content-type"]).toBe("application/x-www-form-urlencoded");
  });

  it("-i prints the status line and response headers on stdout before the body", async () => {
    const r = await h.cli(["-i", `${h.base}/echo`]).done;
    expect(r.code).toBe(0);
    const [head, body] = r.stdout.split("\n\n");
    expect(head).toMatch(/^HTTP 200 OK\n/);
    expect(head).toContain("\nx-served-by: echo");
    expect(head).toContain("\ncontent-type: application/json");
    expect(JSON.parse(body!).method).toBe("GET");
    expect(r.stderr).toBe(""); // the status is on stdout already
  });

  it("does not follow a redirect without -L (exit 0, says where it points); -L follows it", async () => {
    const reqs = await sent(async () => {
      const r = await h.cli([`${h.base}/moved`]).done;
      expect(r.code).toBe(0);
      expect(r.stdout).toBe("see /echo");
      expect(r.stderr).toMatch(/^HTTP 302 Found/);
      expect(r.stderr).toContain(`redirect to ${h.base}/echo?from=moved (-L follows it)`);
    });
    expect(reqs.map((s) => s.url)).toEqual(["/moved"]);
    const followed = await sent(async () => {
      const r = await h.cli(["-L", `${h.base}/moved`]).done;
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).url).toBe("/echo?from=moved");
    });
    expect(followed.map((s) => s.url)).toEqual(["/moved", "/echo?from=moved"]);
  });

  it("--sse against a redirect without -L shows the 3xx (exit 0); with -L it streams the target", async () => {
    h.routes.set("/stream", (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" }).end("data: tick\n\n");
    });
    h.routes.set("/stream-moved", (_req, res) => {
      res.writeHead(307, { location: "/stream", "content-type": "text/plain" }).end("moved");
    });
    const shown = await h.cli([`${h.base}/stream-moved`, "--sse"]).done;
    expect(shown.code).toBe(0);
    expect(shown.stdout).toBe("moved");
    expect(shown.stderr).toContain("(-L follows it)");
    const followed = await h.cli(["-L", `${h.base}/stream-moved`, "--sse"]).done;
    expect(followed.code).toBe(0);
    expect(followed.stdout).toBe("tick\n");
  });

  it("-u user:pass sends Basic auth and never prints the password, even with -v", async () => {
    const r = await h.cli(["-v", "-u", `alice:${PASSWORD}`, `${h.base}/echo`]).done;
    expect(r.code).toBe(0);
    const auth = JSON.parse(r.stdout).headers.authorization;
    expect(auth).toBe(`Basic ${Buffer.from(`alice:${PASSWORD}`).toString("base64")}`);
    expect(r.stderr).toContain("> authorization: Basic [REDACTED]");
    expect(r.stderr).not.toContain(PASSWORD);
    expect(r.stderr).not.toContain(auth.slice(6));
  });

  it("a URL's user:password@ becomes Basic auth (as curl), the URL sent without it; -u wins over it", async () => {
    const reqs = await sent(async () => {
      const r = await h.cli([`http://bob:${encodeURIComponent("p@ss:word")}@127.0.0.1:${port}/echo`, "-v"]).done;
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).headers.authorization).toBe(`Basic ${Buffer.from("bob:p@ss:word").toString("base64")}`);
      expect(r.stderr).not.toContain("p@ss");
      expect(r.stderr).not.toContain("p%40ss");
      const w = await h.cli([`http://bob:wrong@127.0.0.1:${port}/echo`, "-u", "carol:right"]).done;
      expect(JSON.parse(w.stdout).headers.authorization).toBe(`Basic ${Buffer.from("carol:right").toString("base64")}`);
    });
    expect(reqs.every((s) => s.headers.host === `127.0.0.1:${port}`)).toBe(true);
  });

  it("-u refuses plain http off this machine unless --allow-http, and -u without a password, sending nothing", async () => {
    const r = await h.cli(["-u", `alice:${PASSWORD}`, "http://example.invalid/x"]).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tierfetch: Basic auth would send the password in clear text over http to example\.invalid: use https, or --allow-http\n/);
    expect(r.stderr).not.toContain(PASSWORD);
    const noPass = await h.cli(["-u", "alice", `${h.base}/echo`]).done;
    expect(noPass.code).toBe(2);
    expect(noPass.stderr).toMatch(/-u needs user:password/);
  });

  it("-s prints nothing on stderr, not even the error; -sS shows the error; the exit status stays", async () => {
    const ok = await h.cli(["-s", `${h.base}/echo`]).done;
    expect(ok.code).toBe(0);
    expect(ok.stderr).toBe("");
    const bad = await h.cli(["-s", `${h.base}/missing`]).done;
    expect(bad.code).toBe(4);
    expect(bad.stderr).toBe("");
    const shown = await h.cli(["-sS", `${h.base}/missing`]).done;
    expect(shown.code).toBe(4);
    expect(shown.stderr).toBe(`tierfetch: HTTP 404 Not Found from GET ${h.base}/missing\n`);
  });

  it("-f prints no body for an HTTP error; without it the error body is shown", async () => {
    const failed = await h.cli(["-f", `${h.base}/missing`]).done;
    expect(failed.code).toBe(4);
    expect(failed.stdout).toBe("");
    const shown = await h.cli([`${h.base}/missing`]).done;
    expect(JSON.parse(shown.stdout)).toEqual({ error: "no route", path: "/missing" });
  });

  it("-I sends HEAD and prints the status line and headers on stdout", async () => {
    const r = await h.cli(["-I", `${h.base}/echo`]).done;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^HTTP 200 OK\n(?:.*\n)*x-served-by: echo\n(?:.*\n)*\n$/);
    expect(h.seen.at(-1)?.method).toBe("HEAD");
  });

  it("-O saves under the URL's file name in the working directory; -o - is stdout", async () => {
    h.routes.set("/files/notes.txt", (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" }).end("remote name");
    });
    const dir = join(h.tmp, "cwd-O");
    mkdirSync(dir);
    const r = await h.cli(["-O", `${h.base}/files/notes.txt`], { cwd: dir }).done;
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("remote name");
    const dash = await h.cli(["-o", "-", `${h.base}/files/notes.txt`]).done;
    expect(dash.stdout).toBe("remote name");
  });

  it("-m SECONDS is curl's --max-time: exit 28 when it runs out; --retry is curl's --retries", async () => {
    h.routes.set("/hang", () => {
      /* never answers */
    });
    const r = await h.cli(["-m", "0.2", "--retry", "0", `${h.base}/hang`]).done;
    // curl: "(28) Operation timed out after 200 milliseconds"; before, this was exit 1 (a per-attempt timeout).
    expect(r.code).toBe(28);
    expect(r.stderr).toBe(`tierfetch: GET ${h.base}/hang: operation timed out after 200 ms (-m/--max-time)\n`);
    const bad = await h.cli(["-m", "soon", `${h.base}/hang`]).done;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/-m\/--max-time takes seconds/);
  });

  it("-m bounds the whole transfer, retries included (not each attempt, doubling)", async () => {
    h.routes.set("/hang", () => {
      /* never answers */
    });
    const before = h.seen.length;
    const r = await h.cli(["-m", "0.3", `${h.base}/hang`]).done;
    expect(r.code).toBe(28);
    expect(r.stderr).toMatch(/operation timed out after 300 ms \(-m\/--max-time\)\n$/);
    // Per attempt and doubling it made 5 requests over 9 s (0.3 + 0.6 + 1.2 + 2.4 + 4.8 s plus
    // backoff). Counted, not timed: the first attempt (30 s per attempt by default) is the only one
    // (none, if a loaded machine took the 300 ms before it arrived).
    expect(h.seen.slice(before).filter((s) => s.url === "/hang").length).toBeLessThanOrEqual(1);
  });

  it("-m runs out during a retry's backoff: no second request, exit 28", async () => {
    h.routes.set("/busy", (_req, res) => {
      res.writeHead(503, { "content-type": "text/plain" }).end("busy");
    });
    const before = h.seen.length;
    const r = await h.cli(["-m", "0.3", `${h.base}/busy`]).done; // the first backoff is at least 500 ms
    expect(r.code).toBe(28);
    expect(h.seen.slice(before).filter((s) => s.url === "/busy").length).toBeLessThanOrEqual(1); // 5 before
  });

  it("-m covers the body: a stream that stalls after its head ends with exit 28", async () => {
    h.routes.set("/stall", (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: first\n\n");
    });
    const r = await h.cli(["-m", "0.3", "--sse", `${h.base}/stall`]).done;
    expect(r.code).toBe(28);
    expect(r.stdout).toBe("first\n");
    const sized = await h.cli(["-m", "0.3", `${h.base}/stall`]).done;
    expect(sized.code).toBe(28);
  });

  it("-m with a transfer that finishes in time: exit 0; --timeout still bounds each attempt beside it", async () => {
    const r = await h.cli(["-m", "5", "--timeout", "2s", `${h.base}/echo`]).done;
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).method).toBe("GET");
  });

  it("clustered short flags: -sSfL", async () => {
    const r = await h.cli(["-sSfL", `${h.base}/moved`]).done;
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).url).toBe("/echo?from=moved");
    expect(r.stderr).toBe("");
  });
});

describe("HTTPie request items", () => {
  it("tierfetch :PORT/echo name=tea sends a JSON POST to localhost (the issue's example)", async () => {
    const r = await h.cli([`:${port}/echo`, "name=tea"]).done;
    expect(r.code).toBe(0);
    const got = JSON.parse(r.stdout);
    expect(got).toMatchObject({ method: "POST", url: "/echo", body: '{"name":"tea"}' });
    expect(got.headers["content-type"]).toBe("application/json");
    expect(got.headers.accept).toBe("application/json, */*;q=0.5");
  });

  it("name=value is a string, name:=json raw JSON (big numbers kept), Header:value a header, q==v a query", async () => {
    const r = await h.cli([`${h.base}/echo`, "name=tea", "count:=3", "id:=12345678901234567890", "tags:=[\"a\",\"b\"]", "X-App:demo", "q==green tea", "q==hot"]).done;
    expect(r.code).toBe(0);
    const got = JSON.parse(r.stdout);
    expect(got.body).toBe('{"name":"tea","count":3,"id":12345678901234567890,"tags":["a","b"]}');
    expect(got.headers["x-app"]).toBe("demo");
    expect(got.url).toBe("/echo?q=green+tea&q=hot");
  });

  it("the method may come first; items alone make no body for GET; 'Header:' removes a default", async () => {
    const r = await h.cli(["GET", `${h.base}/echo`, "q==1", "User-Agent:"]).done;
    const got = JSON.parse(r.stdout);
    expect(got).toMatchObject({ method: "GET", url: "/echo?q=1", body: "" });
    expect(got.headers["user-agent"]).not.toMatch(/tierfetch/);
    const put = await h.cli(["PUT", `:${port}/echo`, "a=1"]).done;
    expect(JSON.parse(put.stdout)).toMatchObject({ method: "PUT", body: '{"a":"1"}' });
  });

  it("a backslash escapes a separator; a repeated field becomes an array", async () => {
    const r = await h.cli([`${h.base}/echo`, "a\\=b=c", "tag=x", "tag=y"]).done;
    expect(JSON.parse(r.stdout).body).toBe('{"a=b":"c","tag":["x","y"]}');
  });

  it("name=@file embeds a file as a string, name:=@file as JSON (its text kept)", async () => {
    writeFileSync(join(h.tmp, "bio.txt"), 'Likes "green" tea\n');
    writeFileSync(join(h.tmp, "meta.json"), '{"id": 12345678901234567890}\n');
    const r = await h.cli([`${h.base}/echo`, `bio=@${join(h.tmp, "bio.txt")}`, `meta:=@${join(h.tmp, "meta.json")}`]).done;
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).body).toBe('{"bio":"Likes \\"green\\" tea\\n","meta":{"id": 12345678901234567890}}');
    const bad = await h.cli([`${h.base}/echo`, `meta:=@${join(h.tmp, "bio.txt")}`]).done;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^tierfetch: meta:=@.*bio\.txt: not valid JSON in the file/);
  });

  it.each([
    [["name:=nope"], /^tierfetch: name:= needs JSON after ':='/],
    [["justaword"], /^tierfetch: not a request item: "justaword" \(use name=value, name:=json, Header:value or name==value/],
    [["a=1", "--json", "{}"], /^tierfetch: use one of --json, -d or name=value items, not --json and name=value items/],
    [["Bad Header:x"], /^tierfetch: not a valid header name: "Bad Header"/],
  ])("rejects %j before sending anything, exit 2", async (items, message) => {
    const reqs = await sent(async () => {
      const r = await h.cli([`${h.base}/echo`, ...(items as string[])]).done;
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    });
    expect(reqs).toEqual([]);
  });
});

describe("flags checked before sending", () => {
  it("--retries -1 says what is wrong", async () => {
    const r = await h.cli([`${h.base}/echo`, "--retries", "-1"]).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tierfetch: --retries must be a whole number from 0 to 100, not "-1" \(a count cannot be negative; 0 disables retries\)\n/);
  });

  it("a mistyped flag gets a suggestion", async () => {
    const r = await h.cli([`${h.base}/echo`, "--retires", "1"]).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tierfetch: unknown option --retires \(did you mean --retries\?\)/);
  });

  it("--pretty takes all, colors, format or none", async () => {
    const r = await h.cli([`${h.base}/echo`, "--pretty", "yes"]).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--pretty must be one of all, colors, format, none, not "yes"/);
  });
});

describe("-v shows the request head as sent", () => {
  it("lists the headers fetch added itself (host, accept-encoding, the -d Content-Type), secrets masked", async () => {
    const r = await h.cli(["-v", `${h.base}/echo?token=abc123secret&page=2`, "-d", "x=1", "-H", "X-Api-Key: k3y-value-123", "-H", "X-Trace: t1"]).done;
    expect(r.code).toBe(0);
    const sentLines = r.stderr.split("\n").filter((l) => l.startsWith("> "));
    expect(sentLines[0]).toBe(`> POST ${h.base}/echo?token=[REDACTED]&page=2`);
    expect(sentLines).toEqual(expect.arrayContaining([
      `> host: 127.0.0.1:${port}`,
      "> content-type: application/x-www-form-urlencoded",
      "> content-length: 3",
      "> x-api-key: [REDACTED]",
      "> x-trace: t1",
      "> accept-encoding: gzip, deflate",
    ]));
    expect(r.stderr).not.toContain("k3y-value-123");
    expect(r.stderr).not.toContain("abc123secret");
  });

  it("shows every attempt's head, numbered", async () => {
    let hits = 0;
    h.routes.set("/flaky-v", (_req, res) => {
      hits++;
      if (hits === 1) res.writeHead(503).end();
      else res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
    const r = await h.cli(["-v", `${h.base}/flaky-v`, "--retries", "1"]).done;
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^> GET ${h.base}/flaky-v$`, "m"));
    expect(r.stderr).toMatch(new RegExp(`^> GET ${h.base}/flaky-v  \\(attempt 2\\)$`, "m"));
    expect(r.stderr.match(/^> host: /gm)).toHaveLength(2);
  });
});

describe("the README's CLI examples", () => {
  it("`tierfetch :3000/items name=tea count:=3 X-Trace:1 q==green` does what the comment says", async () => {
    h.routes.set("/items", (req, res, body) => {
      res.writeHead(201, { "content-type": "application/json" });
      res.end(JSON.stringify({ method: req.method, url: req.url, trace: req.headers["x-trace"], body: body.toString() }));
    });
    const r = await h.cli([`:${port}/items`, "name=tea", "count:=3", "X-Trace:1", "q==green"]).done;
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ method: "POST", url: "/items?q=green", trace: "1", body: '{"name":"tea","count":3}' });
  });

  it("`tierfetch -X PUT -d a=1 -d b=2 URL` sends a=1&b=2 as a form", async () => {
    const r = await h.cli(["-X", "PUT", "-d", "a=1", "-d", "b=2", `${h.base}/echo`]).done;
    const got = JSON.parse(r.stdout);
    expect(got).toMatchObject({ method: "PUT", body: "a=1&b=2" });
    expect(got.headers["content-type"]).toBe("application/x-www-form-urlencoded");
  });
});
