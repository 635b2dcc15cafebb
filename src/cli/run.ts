/// <reference types="node" />
/**
 * One CLI invocation: arguments → one request through a tierfetch client → body on stdout,
 * everything else on stderr → exit status. Node's process is only touched through `io`.
 */
import { createClient, isHttpError, type RequestOptions } from "../index.js";
import { parseArgs, UsageError, type CliArgs } from "./args.js";
import { Out, printBody, printBuffered, printHead } from "./body-output.js";
import { colors, wantsColor } from "./colors.js";
import { readErrorBodyHead } from "./error-body.js";
import { attemptReason, describeFailure, EXIT } from "./failure.js";
import { formatBytes, formatMs } from "./format.js";
import { limits } from "./limits.js";
import { outputStyle } from "./output-style.js";
import { ProgressBar } from "./progress.js";
import { Reporter } from "./report.js";
import { loadBody, type LoadedBody } from "./request-body.js";
import { requestHeaders, secretsOf } from "./request-headers.js";
import { outputPath, saveBody } from "./save.js";
import { printLines, printNdjson, printSse } from "./stream-output.js";
import { traceFetch } from "./trace.js";
import { HELP, USAGE_HINT } from "./usage.js";
import { version } from "./version.js";
import { redactUrl } from "../redact.js";

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

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

  const style = outputStyle(args.pretty, io.stdout, io.env, args.color);
  const out = new Out(io.stdout, colors(style.color), style);
  const secrets: string[] = [];
  const reporter = new Reporter(io.stderr, colors(wantsColor(io.stderr, io.env, args.color)), { verbose: args.verbose, quiet: args.quiet, silent: args.silent, secrets });
  const fail = (error: unknown): number => {
    const failure = describeFailure(error, args.method, args.url);
    reporter.error(failure.message);
    if (failure.usage && !args.silent) reporter.line(USAGE_HINT);
    return failure.code;
  };

  let token: string | undefined;
  let body: LoadedBody | undefined;
  let file: string | undefined;
  let headers: Record<string, string | undefined>;
  try {
    if (args.tokenEnv !== undefined) {
      token = io.env[args.tokenEnv];
      if (!token) throw new UsageError(`--token-env ${args.tokenEnv}: that environment variable is not set or empty`);
    }
    // The body only adds Content-Type and Accept, never a secret.
    secrets.push(...secretsOf(args, requestHeaders(args, undefined), token));
    if (args.output !== undefined) file = outputPath(args.output, args.url);
    body = await loadBody(args.body, io.stdin);
    headers = requestHeaders(args, body);
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

  const lim = limits(args);

  const options: RequestOptions = withoutUndefined({
    headers,
    query: queryRecord(args.query),
    body: body?.body,
    timeout: lim.timeout,
    idleTimeout: lim.idleTimeout,
    retry: args.retries,
    redirect: args.follow ? "follow" : "manual",
    signal,
  });

  const started = performance.now();
  try {
    const bar = file !== undefined && io.stderr.isTTY && !args.quiet ? new ProgressBar(io.stderr, reporter.c) : undefined;
    if (bar) options.onDownloadProgress = (p) => bar.update(p);
    const res = await api.request(args.method, args.url, options);
    if (args.include) await printHead(out, res);
    else reporter.status(res, performance.now() - started);
    const location = redirectTarget(res, args.url);
    if (location) reporter.note(`redirect to ${redactUrl(location)}${args.follow ? "" : " (-L follows it)"}`);
    if (file !== undefined) {
      reporter.progress = bar; // lines printed meanwhile (retries cannot happen now) lift the bar
      let size: number;
      try {
        size = await saveBody(res, file);
      } finally {
        bar?.clear();
        reporter.progress = undefined;
      }
      reporter.note(`saved ${formatBytes(size)} to ${file} in ${formatMs(performance.now() - started)}`);
    } else if (args.mode === "buffer") {
      if (args.method === "HEAD" && !args.include) reporter.headers(res);
      const { note } = await printBody(out, res);
      if (note) reporter.note(note);
    } else if (args.mode === "lines") await printLines(out, res);
    else if (args.mode === "ndjson") await printNdjson(out, res);
    else await printSse(out, res);
    return EXIT.ok;
  } catch (error) {
    if (isHttpError(error)) await showErrorBody(out, reporter, args, error.response);
    return fail(error);
  } finally {
    trace.stop();
    api.close();
  }
}

/**
 * An error response's head (an API's error JSON is often the useful part) on stdout, unless
 * -f or -o: at most 64 KiB of it, the rest never read.
 */
async function showErrorBody(out: Out, reporter: Reporter, args: CliArgs, response: Response | undefined): Promise<void> {
  if (!response) return;
  if (args.fail || args.output !== undefined) {
    await response.body?.cancel().catch(() => {});
    return;
  }
  if (args.include) await printHead(out, response);
  const head = await readErrorBodyHead(response);
  if (!head) return;
  const note = await printBuffered(out, head.bytes, response.headers.get("content-type"));
  if (note) reporter.note(note);
  if (head.cut) reporter.note(`only the first ${head.bytes.length} bytes of the error body shown`);
}

/** Where a 3xx points, resolved against the request URL (undefined: not a redirect, or no usable Location). */
function redirectTarget(res: Response, url: string): string | undefined {
  const location = res.status >= 300 && res.status < 400 ? res.headers.get("location") : null;
  if (location === null) return undefined;
  try {
    return new URL(location, url).href;
  } catch {
    return undefined;
  }
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

/** Leaves unset options out rather than passing `undefined`. */
function withoutUndefined<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as T;
}
