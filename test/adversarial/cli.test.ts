/**
 * The CLI against hostile or unlucky input (issue 12, CLI parts): a reader that leaves the
 * pipe early, a huge error body, a password in the URL, secret query items, header injection,
 * a file name from the network, a giant argument. Real loopback servers; every byte count and
 * wait is bounded.
 */
import { readFileSync, mkdirSync, readdirSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendPaced, startHarness, waitFor, type Harness } from "../cli/support/harness.js";

let h: Harness;
let port: string;
const PASSWORD = "hunter2-Sup3rSecret";
const MiB = 1024 * 1024;

beforeAll(async () => {
  h = await startHarness();
  port = new URL(h.base).port;
}, 60_000);

afterAll(() => h?.close());

/** Peak resident memory of a running process, sampled until it exits (Linux /proc). */
function watchRss(pid: number): { peak: () => number; stop: () => void } {
  let peak = 0;
  const timer = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
      if (hwm) peak = Math.max(peak, Number(hwm[1]) * 1024);
    } catch {
      /* exited */
    }
  }, 10);
  return { peak: () => peak, stop: () => clearInterval(timer) };
}

describe("a reader that leaves early", () => {
  it("| head -c 100: the closed pipe stops the download at once; the server sees the socket close", async () => {
    const TOTAL = 128 * MiB;
    let outcome: Promise<{ written: number; closedEarly: boolean }> | undefined;
    h.routes.set("/huge", (_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      outcome = sendPaced(res, TOTAL);
    });
    const run = h.cli([`${h.base}/huge`, "--retries", "0"]);
    await waitFor(() => run.stdoutBytes().length >= 100, "the first 100 bytes");
    // What `head -c 100` does once it has its bytes: close its end of the pipe.
    run.child.stdout!.destroy();
    const r = await run.done;
    await waitFor(() => outcome !== undefined, "the server's outcome");
    const { written, closedEarly } = await outcome!;
    expect(closedEarly).toBe(true);
    // Socket buffers on loopback hold a few MiB; reading on to the end would be 128 MiB.
    expect(written).toBeLessThan(32 * MiB);
    expect(r.code).toBe(0);
  }, 30_000);
});

describe("a huge error body", () => {
  it("a 500 offering 256 MiB: the first 64 KiB go to stdout, the rest is never read, memory stays small", async () => {
    const TOTAL = 256 * MiB;
    let outcome: Promise<{ written: number; closedEarly: boolean }> | undefined;
    h.routes.set("/huge-error", (_req, res) => {
      res.writeHead(500, { "content-type": "text/plain" });
      outcome = sendPaced(res, TOTAL);
    });
    const run = h.cli([`${h.base}/huge-error`, "--retries", "0"]);
    const rss = watchRss(run.child.pid!);
    const r = await run.done;
    rss.stop();
    expect(r.code).toBe(5);
    expect(run.stdoutBytes().length).toBe(64 * 1024);
    expect(r.stderr).toContain("only the first 65536 bytes of the error body shown");
    expect(r.stderr).toContain(`tierfetch: HTTP 500 Internal Server Error from GET ${h.base}/huge-error`);
    await waitFor(() => outcome !== undefined, "the server's outcome");
    const { written, closedEarly } = await outcome!;
    expect(closedEarly).toBe(true);
    expect(written).toBeLessThan(32 * MiB);
    // Loose: Node itself takes ~50 MB; buffering the body took ~1 GB before.
    if (rss.peak() > 0) expect(rss.peak()).toBeLessThan(200 * MiB);
  }, 60_000);
});

describe("a password in the URL is never printed", () => {
  const withPassword = (rest: string) => `http://admin:${PASSWORD}@127.0.0.1:${port}${rest}`;

  it("not on a refused connection, a timeout, an HTTP error or -v", async () => {
    const closed = createServer();
    await new Promise<void>((ok) => closed.listen(0, "127.0.0.1", ok));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((ok) => closed.close(ok));
    h.routes.set("/never", () => {
      /* holds the request */
    });
    h.routes.set("/denied", (_req, res) => {
      res.writeHead(401, { "content-type": "text/plain", "www-authenticate": 'Basic realm="x"' }).end("no");
    });
    const runs = await Promise.all([
      h.cli([`http://admin:${PASSWORD}@127.0.0.1:${deadPort}/x`, "--retries", "0"]).done,
      h.cli([withPassword("/never"), "--timeout", "150ms", "--retries", "0"]).done,
      h.cli([withPassword("/denied"), "-v", "--retries", "0"]).done,
      h.cli([withPassword("/never"), "--timeout", "100ms", "--retries", "1", "-v"]).done,
    ]);
    expect(runs.map((r) => r.code)).toEqual([1, 1, 4, 1]);
    expect(runs[0]!.stderr).toMatch(/network error \(connect ECONNREFUSED/);
    expect(runs[1]!.stderr).toMatch(/timed out after 150 ms/);
    const b64 = Buffer.from(`admin:${PASSWORD}`).toString("base64");
    for (const r of runs) {
      expect(r.stderr).not.toContain(PASSWORD);
      expect(r.stderr).not.toContain(b64);
      expect(r.stderr).not.toContain("admin:");
    }
  });

  it("not when the URL does not parse", async () => {
    const r = await h.cli([`http://admin:${PASSWORD}@[::1/x`]).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tierfetch: not a valid URL: /);
    expect(r.stderr).not.toContain(PASSWORD);
  });

  it("not when a secret query item or header item is sent", async () => {
    h.routes.set("/q", (_req, res) => {
      res.writeHead(503, { "content-type": "text/plain" }).end("busy");
    });
    const r = await h.cli([`${h.base}/q`, `api_key==${PASSWORD}`, `X-Auth-Token:${PASSWORD}`, "-v", "--retries", "0"]).done;
    expect(r.code).toBe(5);
    expect(r.stderr).toContain("api_key=[REDACTED]");
    expect(r.stderr).not.toContain(PASSWORD);
  });
});

describe("input that would change the request", () => {
  it.each([
    ["a header item with CR LF", ["X-A:a\r\nInjected: 1"]],
    ["an -H with a control character", ["-H", "X-A: a\x01b"]],
    ["a header item with DEL", ["X-A:a\x7fb"]],
    ["a method with a space", ["-X", "GET /admin"]],
  ])("%s is refused before anything is sent", async (_what, extra) => {
    const before = h.seen.length;
    const r = await h.cli([`${h.base}/echo`, ...extra]).done;
    expect(r.code).toBe(2);
    expect(h.seen.length).toBe(before);
  });

  const giant = "9".repeat(100_000) + "x";
  it.each([
    ["--timeout", ["--timeout", giant]],
    ["--retries", ["--retries", giant]],
    ["-H", ["-H", giant]],
    ["--query", ["--query", giant]],
    ["--pretty", ["--pretty", giant]],
    ["an item", [giant]],
    ["a header name", [`${giant}X Y:z`]],
  ])("a 100,000-character %s is refused quickly, and not echoed in full", async (_what, extra) => {
    const started = Date.now();
    const r = await h.cli([`${h.base}/echo`, ...extra]).done;
    expect(r.code).toBe(2);
    expect(r.stderr.length).toBeLessThan(1000);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe("-o DIR/ with a name from the URL", () => {
  it("an encoded ../ in the file name stays inside DIR", async () => {
    h.routes.set("/files/..%2F..%2Fescape.txt", (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" }).end("inside");
    });
    const dir = join(h.tmp, "jail");
    mkdirSync(dir);
    const r = await h.cli([`${h.base}/files/..%2F..%2Fescape.txt`, "-o", `${dir}/`]).done;
    expect(r.code).toBe(0);
    expect(readdirSync(dir)).toEqual([".._.._escape.txt"]);
    expect(readdirSync(h.tmp)).not.toContain("escape.txt");
  });
});

describe("redirects carry no credentials to another origin", () => {
  it("-L to another origin (another port) drops the -u Authorization; without -L nothing is followed", async () => {
    const other = await startHarness();
    try {
      other.routes.set("/landing", (req, res) => {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ authorization: req.headers.authorization ?? null }));
      });
      h.routes.set("/elsewhere", (_req, res) => {
        res.writeHead(302, { location: `${other.base}/landing` }).end();
      });
      const followed = await h.cli(["-L", "-u", `alice:${PASSWORD}`, `${h.base}/elsewhere`, "-v"]).done;
      expect(followed.code).toBe(0);
      expect(JSON.parse(followed.stdout)).toEqual({ authorization: null });
      expect(followed.stderr).not.toContain(PASSWORD);
      const before = other.seen.length;
      const stayed = await h.cli(["-u", `alice:${PASSWORD}`, `${h.base}/elsewhere`]).done;
      expect(stayed.code).toBe(0);
      expect(other.seen.length).toBe(before);
    } finally {
      await other.close();
    }
  });
});
