/// <reference types="node" />
/**
 * One CLI invocation: arguments → one request through a tierfetch client → body on stdout,
 * everything else on stderr → exit status. Node's process is only touched through `io`.
 */
import { readFileSync } from "node:fs";
import { createClient, isHttpError, type Duration, type RequestOptions, type TimeoutOption } from "../index.js";
import { parseArgs, UsageError, type CliArgs } from "./args.js";
import { printBody, printLines, printNdjson, printSse, Out } from "./body-output.js";
import { colors, wantsColor } from "./colors.js";
import { attemptReason, describeFailure, EXIT } from "./failure.js";
import { formatBytes, formatMs } from "./format.js";
import { ProgressBar } from "./progress.js";
import { isSecretHeader } from "./redact.js";
import { Reporter } from "./report.js";
import { loadBody, type LoadedBody } from "./request-body.js";
import { saveBody } from "./save.js";
import { traceFetch } from "./trace.js";
import { HELP, USAGE_HINT } from "./usage.js";

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

/** Streams and downloads may run for long: no overall timeout, but a bound on silence. */
const STREAM_IDLE_TIMEOUT = "1m";
/** How long an error response's body may take to read before the CLI gives up on showing it. */
const ERROR_BODY_WAIT_MS = 3000;
/** tierfetch's default number of retries, shown in "retry 1/4". */
const DEFAULT_RETRIES = 4;

export async function run(argv: string[], io: Io, signal: AbortSignal): Promise<number> {
  let args: CliArgs;
  try {
    const parsed = parseArgs(argv);
    if (parsed.command === "help") {
      io.stdout.write(HELP);
      return EXIT.ok;
    }
    if (parsed.command === "version") {
      io.stdout.write(`tierfetch ${version()}\n`);
      return EXIT.ok;
    }
    args = parsed.args;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const c = colors(wantsColor(io.stderr, io.env, !argv.includes("--no-color")));
    io.stderr.write(`${c.red(c.bold("tierfetch:"))} ${error.message}\n${USAGE_HINT}\n`);
    return EXIT.usage;
  }

  const out = new Out(io.stdout, colors(wantsColor(io.stdout, io.env, args.color)));
  const secrets: string[] = [];
  const reporter = new Reporter(io.stderr, colors(wantsColor(io.stderr, io.env, args.color)), { verbose: args.verbose, quiet: args.quiet, secrets });
  const fail = (error: unknown): number => {
    const failure = describeFailure(error, args.method, args.url);
    reporter.error(failure.message);
    if (failure.usage) reporter.line(USAGE_HINT);
    return failure.code;
  };

  let token: string | undefined;
  let body: LoadedBody | undefined;
  try {
    if (args.tokenEnv !== undefined) {
      token = io.env[args.tokenEnv];
      if (!token) throw new UsageError(`--token-env ${args.tokenEnv}: that environment variable is not set or empty`);
      secrets.push(token);
    }
    // A secret typed with -H (Authorization, X-Api-Key...) is masked on stderr as well.
    for (const [name, value] of args.headers) if (value !== undefined && isSecretHeader(name)) secrets.push(value.replace(/^\w+ +/, ""), value);
    body = await loadBody(args.body, io.stdin);
  } catch (error) {
    return fail(error);
  }

  const trace = traceFetch(reporter);
  const api = createClient({
    token,
    allowHttp: args.allowHttp,
    fetch: trace.fetch,
    hooks: {
      beforeRetry: [
        (ctx) => {
          const reason = ctx.response ? `HTTP ${ctx.response.status}${ctx.response.statusText ? ` ${ctx.response.statusText}` : ""}` : attemptReason(ctx.error);
          const asked = ctx.retryAfter !== undefined ? " (as the server asked)" : "";
          reporter.retry(ctx.retryCount + 1, args.retries ?? DEFAULT_RETRIES, ctx.delay, `${reason}${asked}`);
        },
      ],
    },
  });

  const streaming = args.mode !== "buffer" || args.output !== undefined;
  const idle = args.idleTimeout ?? (streaming ? STREAM_IDLE_TIMEOUT : undefined);
  const options: RequestOptions = withoutUndefined({
    headers: requestHeaders(args, body),
    query: queryRecord(args.query),
    body: body?.body,
    timeout: (args.timeout as TimeoutOption | undefined) ?? (streaming ? "none" : undefined),
    idleTimeout: idle === "none" ? undefined : (idle as Duration | undefined),
    retry: args.retries,
    signal,
  });

  const started = performance.now();
  try {
    if (args.output !== undefined) {
      const bar = io.stderr.isTTY && !args.quiet ? new ProgressBar(io.stderr, reporter.c) : undefined;
      if (bar) options.onDownloadProgress = (p) => bar.update(p);
      const res = await api.request(args.method, args.url, options);
      reporter.status(res, performance.now() - started);
      reporter.progress = bar; // lines printed meanwhile (retries cannot happen now) lift the bar
      let size: number;
      try {
        size = await saveBody(res, args.output);
      } finally {
        bar?.clear();
        reporter.progress = undefined;
      }
      reporter.note(`saved ${formatBytes(size)} to ${args.output} in ${formatMs(performance.now() - started)}`);
    } else if (args.mode === "buffer") {
      // .bytes() reads the body inside the attempt: timeouts and retries cover it.
      const pending = api.request(args.method, args.url, options);
      const bytes = await pending.bytes();
      const res = await pending;
      reporter.status(res, performance.now() - started, bytes.length);
      if (args.method === "HEAD") reporter.headers(res);
      const note = await printBody(out, bytes, res.headers.get("content-type"), args.raw);
      if (note) reporter.note(note);
    } else {
      const res = await api.request(args.method, args.url, options);
      reporter.status(res, performance.now() - started);
      if (args.mode === "lines") await printLines(out, res);
      else if (args.mode === "ndjson") await printNdjson(out, res);
      else await printSse(out, res);
    }
    return EXIT.ok;
  } catch (error) {
    // Show an error response's body (an API's error JSON is often the useful part), unless
    // the body was meant for a file.
    if (isHttpError(error) && args.output === undefined) {
      const bytes = await errorBody(error.response);
      if (bytes) await printBody(out, bytes, error.response?.headers.get("content-type") ?? null, args.raw);
    }
    return fail(error);
  } finally {
    api.close();
  }
}

function requestHeaders(args: CliArgs, body: LoadedBody | undefined): Record<string, string | undefined> {
  const headers = new Map<string, [string, string | undefined]>();
  const set = (name: string, value: string | undefined) => headers.set(name.toLowerCase(), [name, value]);
  set("User-Agent", `tierfetch-cli/${version()}`);
  if (args.mode === "sse") set("Accept", "text/event-stream");
  else if (args.mode === "ndjson") set("Accept", "application/x-ndjson, application/jsonl;q=0.9, application/json;q=0.8, */*;q=0.5");
  else if (body?.contentType === "application/json") set("Accept", "application/json, */*;q=0.5");
  if (body?.contentType) set("Content-Type", body.contentType);
  // -H wins over the defaults above; a repeated -H adds to the same header.
  const seen = new Set<string>();
  for (const [name, value] of args.headers) {
    const key = name.toLowerCase();
    const prev = headers.get(key);
    if (seen.has(key) && prev?.[1] !== undefined && value !== undefined) set(name, `${prev[1]}, ${value}`);
    else set(name, value);
    seen.add(key);
  }
  return Object.fromEntries([...headers.values()]);
}

function queryRecord(pairs: [string, string][]): Record<string, string | string[]> | undefined {
  if (pairs.length === 0) return undefined;
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of pairs) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return query;
}

/** An error response's body (tierfetch keeps it readable), or nothing if it takes too long. */
async function errorBody(response: Response | undefined): Promise<Uint8Array | undefined> {
  if (!response || response.bodyUsed) return undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const read = response.arrayBuffer().then((b) => new Uint8Array(b));
    const giveUp = new Promise<undefined>((resolve) => {
      timer = setTimeout(resolve, ERROR_BODY_WAIT_MS, undefined);
    });
    return await Promise.race([read, giveUp]);
  } catch {
    return undefined; // the connection broke: the error line says enough
  } finally {
    clearTimeout(timer);
  }
}

/** Leaves unset options out rather than passing `undefined`. */
function withoutUndefined<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as T;
}

let cachedVersion: string | undefined;
function version(): string {
  if (cachedVersion === undefined) {
    try {
      // dist/cli.js → ../package.json; npm always packs package.json.
      cachedVersion = String(JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version);
    } catch {
      cachedVersion = "unknown";
    }
  }
  return cachedVersion;
}
