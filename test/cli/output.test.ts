/**
 * Where the body goes: pretty and coloured on a terminal (a real pty through util-linux
 * `script`), byte for byte into a pipe, -o DIR/ under the URL's file name, --sse data as sent,
 * and limits past setTimeout's 24.8 days honoured.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANSI, sendPaced, startHarness, type Harness } from "./support/harness.js";

let h: Harness;
const JSON_BODY = '{"name":"tea","n":1}';

beforeAll(async () => {
  h = await startHarness();
  h.routes.set("/json", (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON_BODY);
  });
}, 60_000);

afterAll(() => h?.close());

const hasScript = spawnSync("script", ["--version"]).status === 0;

describe("a terminal gets pretty output, a pipe the bytes as sent", () => {
  /** Runs the CLI with a pty for stdout and stderr (`script`); what the terminal showed. */
  async function onTerminal(args: string[]): Promise<{ status: number | null; screen: string }> {
    const cli = join(h.tmp, "pkg/dist/cli.js");
    const command = [process.execPath, cli, ...args].map((a) => JSON.stringify(a)).join(" ");
    const child = spawn("script", ["-qec", command, "/dev/null"], {
      env: { ...process.env, TERM: "xterm", NO_COLOR: "", FORCE_COLOR: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let screen = "";
    child.stdout.on("data", (b: Buffer) => (screen += b.toString("utf8")));
    const status = await new Promise<number | null>((ok) => child.on("close", ok));
    return { status, screen: screen.replace(/\r\n/g, "\n") };
  }

  it.skipIf(!hasScript)("on a terminal JSON is indented and coloured", async () => {
    const r = await onTerminal([`${h.base}/json`]);
    expect(r.status).toBe(0);
    expect(r.screen).toMatch(ANSI);
    expect(r.screen.replace(/\x1b\[\d+m/g, "")).toContain('{\n  "name": "tea",\n  "n": 1\n}\n');
  });

  it.skipIf(!hasScript)("on a terminal a binary body is not printed, and not downloaded", async () => {
    let outcome: Promise<{ written: number; closedEarly: boolean }> | undefined;
    h.routes.set("/blob-tty", (_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      outcome = sendPaced(res, 64 * 1024 * 1024);
    });
    const r = await onTerminal([`${h.base}/blob-tty`]);
    expect(r.status).toBe(0);
    expect(r.screen).toContain("binary body not shown on the terminal; use -o FILE or a pipe");
    expect(r.screen).not.toContain("aaaa");
    expect((await outcome!).closedEarly).toBe(true);
  });

  it("into a pipe the body is the server's bytes, without colour or re-indenting", async () => {
    const r = await h.cli([`${h.base}/json`]).done;
    expect(r.stdout).toBe(JSON_BODY);
    expect(r.stdout + r.stderr).not.toMatch(ANSI);
  });

  it("--pretty all / colors / format force the choice into a pipe", async () => {
    const all = await h.cli([`${h.base}/json`, "--pretty", "all"], { env: { FORCE_COLOR: "1" } }).done;
    expect(all.stdout).toMatch(ANSI);
    expect(all.stdout.replace(/\x1b\[\d+m/g, "")).toBe('{\n  "name": "tea",\n  "n": 1\n}\n');
    const colors = await h.cli([`${h.base}/json`, "--pretty", "colors"]).done;
    expect(colors.stdout).toMatch(ANSI);
    expect(colors.stdout.replace(/\x1b\[\d+m/g, "")).toBe(`${JSON_BODY}\n`);
    const format = await h.cli([`${h.base}/json`, "--pretty", "format"]).done;
    expect(format.stdout).toBe('{\n  "name": "tea",\n  "n": 1\n}\n');
  });
});

describe("--sse", () => {
  it("prints each event's data as sent: JSON data is a line jq reads, not a string inside JSON", async () => {
    h.routes.set("/json-events", (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end('event: price\nid: 7\ndata: {"sku":"tea","cents":450}\n\ndata: plain "text"\n\n');
    });
    const r = await h.cli([`${h.base}/json-events`, "--sse"]).done;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('{"sku":"tea","cents":450}\nplain "text"\n');
  });

  it("refuses a body that is not an event stream, saying what arrived (no silent zero events)", async () => {
    const r = await h.cli([`${h.base}/json`, "--sse"]).done;
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`tierfetch: GET ${h.base}/json: --sse expected text/event-stream but the content-type is "application/json" (use --lines to see the body as it arrives)`);
  });
});

describe("-o DIR/", () => {
  it("saves under the URL's file name inside DIR", async () => {
    const payload = Buffer.from("0123456789".repeat(1000));
    h.routes.set("/files/report.csv", (_req, res) => {
      res.writeHead(200, { "content-type": "text/csv" }).end(payload);
    });
    const dir = join(h.tmp, "downloads");
    mkdirSync(dir);
    const r = await h.cli([`${h.base}/files/report.csv?v=2`, "-o", `${dir}/`]).done;
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, "report.csv")).equals(payload)).toBe(true);
    expect(r.stderr).toContain(`saved 10 kB to ${join(dir, "report.csv")}`);
    // An existing directory without the slash works the same.
    const again = await h.cli([`${h.base}/files/report.csv`, "-o", dir]).done;
    expect(again.code).toBe(0);
    expect(readdirSync(dir)).toEqual(["report.csv"]);
  });

  it("refuses a URL without a file name before sending anything", async () => {
    const before = h.seen.length;
    const r = await h.cli([`${h.base}/files/`, "-o", `${h.tmp}/`]).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tierfetch: -o .*: the URL has no file name to save under; give -o .*NAME\n/);
    expect(h.seen.length).toBe(before);
  });
});

describe("limits past setTimeout's 24.8 days", () => {
  it("--timeout 30d does not fire at once", async () => {
    h.routes.set("/slowish", (_req, res) => {
      setTimeout(() => res.writeHead(200, { "content-type": "text/plain" }).end("late but fine"), 150);
    });
    const r = await h.cli([`${h.base}/slowish`, "--timeout", "30d", "--retries", "0"]).done;
    expect(r.stderr).not.toMatch(/timed out/);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("late but fine");
  });

  it("--idle-timeout 25d does not fire at once between chunks", async () => {
    h.routes.set("/gappy", (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("one\n");
      setTimeout(() => res.end("two\n"), 150);
    });
    const r = await h.cli([`${h.base}/gappy`, "--lines", "--idle-timeout", "25d", "--retries", "0"]).done;
    expect(r.stderr).not.toMatch(/no data/);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("one\ntwo\n");
  });
});

it("the saved file is never left half-written when the download fails", async () => {
  h.routes.set("/files/broken.bin", (_req, res) => {
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": "100000" });
    res.write(Buffer.alloc(1000));
    setTimeout(() => res.destroy(), 20);
  });
  const dir = join(h.tmp, "broken");
  mkdirSync(dir);
  const r = await h.cli([`${h.base}/files/broken.bin`, "-o", `${dir}/`, "--retries", "0"]).done;
  expect(r.code).toBe(1);
  expect(existsSync(join(dir, "broken.bin"))).toBe(false);
  expect(readdirSync(dir)).toEqual([]);
});
