/**
 * The CLI end to end: src/cli/main.ts bundled by esbuild as tsup does it (so the test runs
 * the code in this tree, not a stale dist/), spawned against a node:http server on 127.0.0.1.
 * stdout and stderr are pipes here, so the CLI prints plain text unless told otherwise.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
export const ANSI = /\x1b\[/;

export type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void | Promise<void>;

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

export interface Harness {
  /** http://127.0.0.1:PORT */
  base: string;
  /** A scratch directory, removed at the end. */
  tmp: string;
  routes: Map<string, Handler>;
  /** Requests the server saw, for assertions on what the CLI sent. */
  seen: Seen[];
  cli: (args: string[], opts?: CliOptions) => Run;
  close: () => Promise<void>;
}

export interface CliOptions {
  env?: Record<string, string>;
  stdin?: string | Buffer;
  node?: string;
  /** The CLI's working directory (default: the scratch directory). */
  cwd?: string;
}

export interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  stdoutBytes: () => Buffer;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/**
 * Builds the CLI into a scratch package (dist/cli.js beside a copy of package.json, which
 * --version reads) and starts the server. A route that reads its own request body may say so
 * with `streamRoutes`: its handler then gets the request unread.
 */
export async function startHarness(streamRoutes: string[] = []): Promise<Harness> {
  const tmp = mkdtempSync(join(tmpdir(), "tierfetch-cli-"));
  mkdirSync(join(tmp, "pkg/dist"), { recursive: true });
  const cliPath = join(tmp, "pkg/dist/cli.js");
  // TIERFETCH_CLI_SRC=/some/checkout runs the suite against another tree's CLI (to see a test fail without a fix).
  const srcRoot = process.env.TIERFETCH_CLI_SRC ?? ROOT;
  await build({
    entryPoints: [join(srcRoot, "src/cli/main.ts")],
    nodePaths: [join(ROOT, "node_modules")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node18",
    outfile: cliPath,
    banner: { js: "#!/usr/bin/env node" },
    logLevel: "warning",
  });
  copyFileSync(join(ROOT, "package.json"), join(tmp, "pkg/package.json"));

  const routes = new Map<string, Handler>();
  const seen: Seen[] = [];
  const server: Server = createServer(async (req, res) => {
    const path = new URL(req.url!, "http://x").pathname;
    const handler = routes.get(path);
    if (streamRoutes.includes(path) && handler) {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.alloc(0) });
      return handler(req, res, Buffer.alloc(0));
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
    if (!handler) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "no route", path }));
      return;
    }
    await handler(req, res, body);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const cli = (args: string[], opts: CliOptions = {}): Run => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
    if (!opts.env || !("NO_COLOR" in opts.env)) delete env.NO_COLOR;
    if (!opts.env || !("FORCE_COLOR" in opts.env)) delete env.FORCE_COLOR;
    const child = spawn(opts.node ?? process.execPath, [cliPath, ...args], { env, cwd: opts.cwd ?? tmp, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on("data", (b: Buffer) => out.push(b));
    child.stderr!.on("data", (b: Buffer) => err.push(b));
    child.stdin!.on("error", () => {});
    if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
    else child.stdin!.end();
    const stdout = () => Buffer.concat(out).toString("utf8");
    const stderr = () => Buffer.concat(err).toString("utf8");
    const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((ok) => {
      child.on("close", (code) => ok({ code, stdout: stdout(), stderr: stderr() }));
    });
    return { child, stdout, stderr, stdoutBytes: () => Buffer.concat(out), done };
  };

  const close = async () => {
    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
    rmSync(tmp, { recursive: true, force: true });
  };
  return { base, tmp, routes, seen, cli, close };
}

export async function waitFor(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A gate the test opens: the server handler waits on it while holding the response open. */
export function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

/**
 * Writes `total` bytes in `chunk`-byte pieces, waiting for each to drain, until done or the
 * client goes away. Resolves with how many bytes were handed to the socket and whether the
 * client closed first.
 */
export function sendPaced(res: ServerResponse, total: number, chunk = 64 * 1024): Promise<{ written: number; closedEarly: boolean }> {
  const piece = Buffer.alloc(chunk, 0x61);
  return new Promise((resolve) => {
    let written = 0;
    let closed = false;
    res.on("close", () => {
      closed = true;
      resolve({ written, closedEarly: written < total || !res.writableFinished });
    });
    const pump = () => {
      while (!closed && written < total) {
        const n = Math.min(chunk, total - written);
        written += n;
        if (!res.write(n === chunk ? piece : piece.subarray(0, n))) {
          res.once("drain", pump);
          return;
        }
      }
      if (!closed && written >= total) res.end();
    };
    pump();
  });
}
