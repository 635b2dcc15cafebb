/**
 * The command line, end to end (test/cli/support/harness.ts): the CLI built from src/cli,
 * spawned against a node:http server on 127.0.0.1 with stdout and stderr as pipes.
 */
import { createServer } from "node:http";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANSI, gate, ROOT, startHarness, waitFor, type Harness } from "./support/harness.js";

const TOKEN = "tok_live_9f8e7d6c5b4a39281706";
let h: Harness;
let base: string;
let tmp: string;

beforeAll(async () => {
  h = await startHarness();
  ({ base, tmp } = h);
}, 60_000);

afterAll(() => h?.close());

describe("arguments", () => {
  it("--help prints the usage on stdout and exits 0", async () => {
    const r = await h.cli(["--help"]).done;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: tierfetch \[METHOD\] URL/);
    expect(r.stdout).toContain("--token-env");
  });

  it("--version prints the package version", async () => {
    const r = await h.cli(["--version"]).done;
    expect(r.code).toBe(0);
    const version = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version;
    expect(r.stdout.trim()).toBe(`tierfetch ${version}`);
  });

  it.each([
    [["--bogus", "http://127.0.0.1:1/"], /unknown option --bogus/],
    [[], /missing URL/],
    [["POST"], /missing URL after POST/],
    [["http://127.0.0.1:1/", "post"], /put the method first: tierfetch POST URL/],
    [["http://127.0.0.1:1/", "--timeout", "soon"], /--timeout must be short, medium, long, none or a duration/],
    [["http://127.0.0.1:1/", "--timeout", "5000"], /add a unit/],
    [["http://127.0.0.1:1/", "--retries", "many"], /--retries must be a whole number/],
    [["http://127.0.0.1:1/", "-H", "NoColonHere"], /-H needs 'Name: value'/],
    [["http://127.0.0.1:1/", "--json", "{nope"], /--json: not valid JSON/],
    [["http://127.0.0.1:1/", "--json", "1", "--data", "x"], /use one of --json, -d or name=value items, not --json and -d/],
    [["http://127.0.0.1:1/", "--lines", "--sse"], /choose one of --lines, --sse/],
    [["http://127.0.0.1:1/", "--data", "@/definitely/not/here"], /cannot read the file \(no such file\)/],
    [["ftp://127.0.0.1/x"], /only http and https/],
  ])("rejects %j with one clear line, a usage hint and exit 2", async (args, message) => {
    const r = await h.cli(args as string[]).done;
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(message);
    expect(lines[1]).toBe("Try 'tierfetch --help' for usage.");
    expect(r.stdout).toBe("");
  });

  it("exits 2 when the --token-env variable is not set, naming the variable", async () => {
    const r = await h.cli([`${base}/json`, "--token-env", "TIERFETCH_TEST_UNSET_VAR"]).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--token-env TIERFETCH_TEST_UNSET_VAR: that environment variable is not set");
  });
});

describe("buffered bodies", () => {
  it("prints a JSON body byte for byte into a pipe, indents it with --pretty format, status on stderr", async () => {
    const sent = '{"name":"tea","tags":["green","hot"],"price":4.5,"ok":true,"none":null,"nested":{},"list":[]}';
    h.routes.set("/json", (_req, res) => {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      res.end(sent);
    });
    const piped = await h.cli([`${base}/json`]).done;
    expect(piped.code).toBe(0);
    expect(piped.stdout).toBe(sent);
    const r = await h.cli([`${base}/json`, "--pretty", "format"]).done;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${JSON.stringify({ name: "tea", tags: ["green", "hot"], price: 4.5, ok: true, none: null, nested: {}, list: [] }, null, 2)}\n`);
    expect(r.stdout).not.toMatch(ANSI);
    expect(r.stderr).toMatch(/^HTTP 200 OK {2}application\/json · (?:\d+ B · )?\d+ ms\n$/);
    expect(r.stderr).not.toMatch(ANSI);
  });

  it("keeps every digit of a big number and the escapes of a string", async () => {
    h.routes.set("/big", (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end('{"id":12345678901234567890,"s":"caf\\u00e9 \\"q\\""}');
    });
    const r = await h.cli([`${base}/big`, "--pretty", "format"]).done;
    expect(r.stdout).toBe('{\n  "id": 12345678901234567890,\n  "s": "caf\\u00e9 \\"q\\""\n}\n');
  });

  it("colours JSON with FORCE_COLOR, and NO_COLOR wins over it", async () => {
    const coloured = await h.cli([`${base}/json`], { env: { FORCE_COLOR: "1" } }).done;
    expect(coloured.stdout).toMatch(ANSI);
    expect(coloured.stdout.replace(/\x1b\[\d+m/g, "")).toContain('"name": "tea"');
    const plain = await h.cli([`${base}/json`], { env: { FORCE_COLOR: "1", NO_COLOR: "1" } }).done;
    expect(plain.stdout).not.toMatch(ANSI);
    expect(plain.stderr).not.toMatch(ANSI);
    const flag = await h.cli([`${base}/json`, "--no-color"], { env: { FORCE_COLOR: "1" } }).done;
    expect(flag.stdout + flag.stderr).not.toMatch(ANSI);
  });

  it("--raw prints the body exactly as received", async () => {
    const r = await h.cli([`${base}/json`, "--raw"]).done;
    expect(r.stdout).toBe('{"name":"tea","tags":["green","hot"],"price":4.5,"ok":true,"none":null,"nested":{},"list":[]}');
  });

  it("sends -H headers, --query parameters, and POSTs --json with its Content-Type", async () => {
    h.routes.set("/echo", (req, res, body) => {
      res.writeHead(201, { "content-type": "application/json" });
      res.end(JSON.stringify({ method: req.method, url: req.url, xApp: req.headers["x-app"], type: req.headers["content-type"], body: body.toString() }));
    });
    const r = await h.cli([`${base}/echo?keep=1`, "-H", "X-App: demo", "--query", "a=1", "--query", "a=2", "--query", "q=x y", "--json", '{"n":1}']).done;
    expect(r.code).toBe(0);
    const got = JSON.parse(r.stdout);
    expect(got).toEqual({ method: "POST", url: "/echo?keep=1&a=1&a=2&q=x+y", xApp: "demo", type: "application/json", body: '{"n":1}' });
    expect(r.stderr).toMatch(/^HTTP 201 Created/);
  });

  it("takes the method as the first argument", async () => {
    const r = await h.cli(["PUT", `${base}/echo`, "--data", "plain text"]).done;
    expect(JSON.parse(r.stdout)).toMatchObject({ method: "PUT", body: "plain text" });
  });

  it("--data @file sends the file byte for byte", async () => {
    const bytes = Buffer.from(Array.from({ length: 1024 }, (_, i) => (i * 7) % 256));
    const file = join(tmp, "upload.bin");
    writeFileSync(file, bytes);
    const before = h.seen.length;
    const r = await h.cli(["POST", `${base}/echo`, "--data", `@${file}`, "-H", "Content-Type: application/octet-stream"]).done;
    expect(r.code).toBe(0);
    const req = h.seen.slice(before).find((s) => s.url === "/echo");
    expect(req?.body.equals(bytes)).toBe(true);
    expect(req?.headers["content-type"]).toBe("application/octet-stream");
  });

  it("--json @file and @- (stdin) send the JSON text unchanged", async () => {
    const file = join(tmp, "payload.json");
    writeFileSync(file, '{"id": 12345678901234567890}');
    const a = await h.cli([`${base}/echo`, "--json", `@${file}`]).done;
    expect(JSON.parse(a.stdout).body).toBe('{"id": 12345678901234567890}');
    const b = await h.cli([`${base}/echo`, "--json", "@-"], { stdin: "[1, 2]" }).done;
    expect(JSON.parse(b.stdout)).toMatchObject({ method: "POST", body: "[1, 2]" });
  });
});

describe("binary and HEAD", () => {
  it("passes a binary body through a pipe byte for byte", async () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 13) % 256));
    h.routes.set("/blob", (_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" }).end(bytes);
    });
    const run = h.cli([`${base}/blob`]);
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(run.stdoutBytes().equals(bytes)).toBe(true);
  });

  it("HEAD shows the status and the response headers on stderr", async () => {
    h.routes.set("/head", (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain", "x-thing": "42" }).end();
    });
    const r = await h.cli(["HEAD", `${base}/head`]).done;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^HTTP 200 OK/);
    expect(r.stderr).toContain("\nx-thing: 42\n");
  });
});

describe("-o FILE", () => {
  it("writes the bytes exactly, prints nothing on stdout and says where it saved", async () => {
    const payload = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 31 + (i >> 8)) % 256));
    h.routes.set("/download", (_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(payload.length) });
      // In pieces, so the body really streams.
      res.write(payload.subarray(0, 100_000));
      setTimeout(() => res.end(payload.subarray(100_000)), 20);
    });
    const file = join(tmp, "download.bin");
    const r = await h.cli([`${base}/download`, "-o", file]).done;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(readFileSync(file).equals(payload)).toBe(true);
    expect(r.stderr).toContain(`saved 300 kB to ${file}`);
    // No progress bar: stderr is not a terminal.
    expect(r.stderr).not.toContain("\r");
  });

  it("creates no file for an error status and exits 4", async () => {
    const file = join(tmp, "missing.bin");
    const r = await h.cli([`${base}/no-such-route`, "-o", file]).done;
    expect(r.code).toBe(4);
    expect(existsSync(file)).toBe(false);
    expect(r.stdout).toBe("");
  });
});

describe("streams arrive as they are sent", () => {
  it("--lines prints each line while the server still holds the connection", async () => {
    const g = gate();
    let ended = false;
    h.routes.set("/lines", async (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("one\r\ntwo\n");
      await g.opened;
      res.end("three");
      ended = true;
    });
    const run = h.cli([`${base}/lines`, "--lines"]);
    await waitFor(() => run.stdout() === "one\ntwo\n", "the first two lines");
    expect(ended).toBe(false);
    g.open();
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("one\ntwo\nthree\n");
  });

  it("--sse prints each event's data as sent before the stream ends", async () => {
    const g = gate();
    let ended = false;
    h.routes.set("/events", async (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      res.write(": hello\n\nid: 1\nevent: tick\ndata: first\n\ndata: multi\ndata: line\n\n");
      await g.opened;
      res.end("id: 3\ndata: last\n\n");
      ended = true;
    });
    const before = h.seen.length;
    const run = h.cli([`${base}/events`, "--sse"]);
    await waitFor(() => run.stdout() === "first\nmulti\nline\n", "the first two events");
    expect(ended).toBe(false);
    g.open();
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("first\nmulti\nline\nlast\n");
    expect(h.seen.slice(before).find((s) => s.url === "/events")?.headers.accept).toBe("text/event-stream");
  });

  it("--ndjson prints each value as sent while streaming, dropping blank lines", async () => {
    const g = gate();
    let ended = false;
    h.routes.set("/ndjson", async (_req, res) => {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      res.write('{"id": 12345678901234567890, "a": [1, 2]}\n\n');
      await g.opened;
      res.end('{"id":2}\n');
      ended = true;
    });
    const run = h.cli([`${base}/ndjson`, "--ndjson"]);
    await waitFor(() => run.stdout().includes("\n"), "the first value");
    expect(ended).toBe(false);
    g.open();
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('{"id": 12345678901234567890, "a": [1, 2]}\n{"id":2}\n');
  });

  it("streams have no overall timeout but stop after --idle-timeout of silence, exit 1", async () => {
    h.routes.set("/stall", (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("only line\n");
    });
    const r = await h.cli([`${base}/stall`, "--lines", "--idle-timeout", "200ms", "--retries", "0"]).done;
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("only line\n");
    expect(r.stderr).toContain(`tierfetch: GET ${base}/stall: no data for 200 ms (raise --idle-timeout, or none)`);
  });

  it("--ndjson stops at a bad line with its number and exit 1", async () => {
    h.routes.set("/bad-ndjson", (_req, res) => {
      res.writeHead(200, { "content-type": "application/x-ndjson" }).end('{"ok":1}\nnot json\n{"ok":3}\n');
    });
    const r = await h.cli([`${base}/bad-ndjson`, "--ndjson"]).done;
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('{"ok":1}\n');
    expect(r.stderr).toMatch(/tierfetch: .*NDJSON line 2 is not valid JSON/);
  });
});

describe("errors", () => {
  it("HTTP 404: exit 4, the error body on stdout, one readable line on stderr", async () => {
    const r = await h.cli([`${base}/nothing-here`]).done;
    expect(r.code).toBe(4);
    expect(JSON.parse(r.stdout)).toEqual({ error: "no route", path: "/nothing-here" });
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toEqual([`tierfetch: HTTP 404 Not Found from GET ${base}/nothing-here`]);
  });

  it("HTTP 500: exit 5 without retries when --retries 0", async () => {
    let hits = 0;
    h.routes.set("/boom", (_req, res) => {
      hits++;
      res.writeHead(500, { "content-type": "text/plain" }).end("database on fire");
    });
    const r = await h.cli([`${base}/boom`, "--retries", "0"]).done;
    expect(r.code).toBe(5);
    expect(hits).toBe(1);
    expect(r.stdout).toBe("database on fire");
    expect(r.stderr.trimEnd().split("\n")).toEqual([`tierfetch: HTTP 500 Internal Server Error from GET ${base}/boom`]);
  });

  it("reports each retry on stderr as it happens: attempt, reason, delay", async () => {
    let hits = 0;
    h.routes.set("/flaky", (_req, res) => {
      hits++;
      if (hits === 1) res.writeHead(503, { "content-type": "text/plain" }).end("busy");
      else res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
    const r = await h.cli([`${base}/flaky`, "--retries", "2"]).done;
    expect(r.code).toBe(0);
    expect(hits).toBe(2);
    expect(r.stderr).toMatch(/^retry 1\/2 in \d+ ms: HTTP 503 Service Unavailable\nHTTP 200 OK/);
    expect(JSON.parse(r.stdout)).toEqual({ ok: true });
  });

  it("a refused connection: exit 1 and one line naming the cause", async () => {
    const closed = createServer();
    await new Promise<void>((ok) => closed.listen(0, "127.0.0.1", ok));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((ok) => closed.close(ok));
    const r = await h.cli([`http://127.0.0.1:${port}/`, "--retries", "0"]).done;
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^tierfetch: GET http://127.0.0.1:${port}/: network error \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\)$`));
  });

  it("a timeout: exit 1 and one line with the limit", async () => {
    h.routes.set("/slow", () => {
      /* never answers */
    });
    const r = await h.cli([`${base}/slow`, "--timeout", "150ms", "--retries", "0"]).done;
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split("\n")).toEqual([`tierfetch: GET ${base}/slow timed out after 150 ms`]);
  });
});

describe("quiet and other Node versions", () => {
  it("-q leaves stderr empty on success but still reports an error", async () => {
    const ok = await h.cli([`${base}/json`, "-q"]).done;
    expect(ok.code).toBe(0);
    expect(ok.stderr).toBe("");
    const bad = await h.cli([`${base}/nope`, "-q"]).done;
    expect(bad.code).toBe(4);
    expect(bad.stderr).toMatch(/^tierfetch: HTTP 404 Not Found/);
  });

  // The pinned Node 18 / 22 binaries (npm install --prefix runtimes), when present.
  const nodes = ["node18", "node22"].map((n) => [n, join(ROOT, `runtimes/node_modules/${n}/bin/node`)] as const).filter(([, p]) => existsSync(p));
  for (const [name, node] of nodes) it(`runs under ${name} (JSON and a stream)`, async () => {
    const json = await h.cli([`${base}/json`], { node }).done;
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ name: "tea" });
    h.routes.set("/short-events", (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" }).end("data: a\n\ndata: b\n\n");
    });
    const events = await h.cli([`${base}/short-events`, "--sse"], { node }).done;
    expect(events.stdout).toBe("a\nb\n");
  });
});

describe("secrets", () => {
  it("sends the --token-env token but never prints it, even with -v", async () => {
    h.routes.set("/me", (req, res) => {
      const ok = req.headers.authorization === `Bearer ${TOKEN}`;
      res.writeHead(ok ? 200 : 401, { "content-type": "application/json", "set-cookie": "sid=abc123secret" });
      res.end(JSON.stringify({ ok }));
    });
    const r = await h.cli(["-v", `${base}/me?api_key=hunter2&page=1`, "--token-env", "TF_TEST_TOKEN", "-H", "X-Api-Key: hunter3"], { env: { TF_TEST_TOKEN: TOKEN } }).done;
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ ok: true });
    const all = r.stdout + r.stderr;
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain("hunter2");
    expect(all).not.toContain("hunter3");
    expect(all).not.toContain("abc123secret");
    expect(r.stderr).toContain("> authorization: Bearer [REDACTED]");
    expect(r.stderr).toContain("> x-api-key: [REDACTED]");
    expect(r.stderr).toContain("< set-cookie: [REDACTED]");
    expect(r.stderr).toMatch(/^> GET http:\/\/127\.0\.0\.1:\d+\/me\?api_key=\[REDACTED\]&page=1$/m);
    expect(r.stderr).toMatch(/^< HTTP 200 OK \(\d+ ms\)$/m);
  });

  it("never prints the token on an error either", async () => {
    h.routes.set("/denied", (_req, res) => {
      res.writeHead(403, { "content-type": "application/json" }).end('{"error":"forbidden"}');
    });
    const r = await h.cli(["-v", `${base}/denied`, "--token-env", "TF_TEST_TOKEN", "--retries", "0"], { env: { TF_TEST_TOKEN: TOKEN } }).done;
    expect(r.code).toBe(4);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    expect(r.stderr).toContain("tierfetch: HTTP 403 Forbidden");
  });
});
