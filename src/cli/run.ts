/// <reference types="node" />
/**
 * One CLI invocation: arguments → one request through a tierfetch client → body on stdout,
 * everything else on stderr → exit status. Node's process is only touched through `io`.
 */
import { isHttpError } from "../index.js";
import { parseArgs, UsageError, type CliArgs } from "./args.js";
import { Out } from "./body-output.js";
import { colors, wantsColor } from "./colors.js";
import { deliver, deliverErrorBody, type Delivery } from "./deliver.js";
import { describeFailure, EXIT } from "./failure.js";
import { outputStyle } from "./output-style.js";
import { ProgressBar } from "./progress.js";
import { Reporter } from "./report.js";
import { withMaxTime } from "./max-time.js";
import { loadBody, type LoadedBody } from "./request-body.js";
import { requestHeaders, secretsOf } from "./request-headers.js";
import { cliClient, requestOptions } from "./request-options.js";
import { outputPath } from "./save.js";
import { traceFetch } from "./trace.js";
import { HELP, USAGE_HINT } from "./usage.js";
import { version } from "./version.js";

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

/** What is read before the request: the token, the -o path, the body and the headers. */
interface Prepared {
  token: string | undefined;
  file: string | undefined;
  body: LoadedBody | undefined;
  headers: Record<string, string | undefined>;
}

export async function run(argv: string[], io: Io, signal: AbortSignal): Promise<number> {
  const args = parseCommand(argv, io);
  if (typeof args === "number") return args;

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

  let prepared: Prepared;
  try {
    prepared = await prepare(args, io, secrets);
  } catch (error) {
    return fail(error);
  }

  const trace = traceFetch(reporter);
  const api = cliClient(args, prepared.token, reporter, trace);
  const clock = withMaxTime(signal, args.maxTime);
  const options = requestOptions(args, prepared.headers, prepared.body, clock.signal);
  const bar = prepared.file !== undefined && io.stderr.isTTY && !args.quiet ? new ProgressBar(io.stderr, reporter.c) : undefined;
  if (bar) options.onDownloadProgress = (p) => bar.update(p);
  const delivery: Delivery = { args, out, reporter, file: prepared.file, bar, started: performance.now() };
  try {
    await deliver(await api.request(args.method, args.url, options), delivery);
    return EXIT.ok;
  } catch (error) {
    if (isHttpError(error)) await deliverErrorBody(error.response, delivery);
    return fail(error);
  } finally {
    clock.stop();
    trace.stop();
    api.close();
  }
}

/** The parsed arguments, or the exit status once --help, --version or a usage error is printed. */
function parseCommand(argv: string[], io: Io): CliArgs | number {
  try {
    const parsed = parseArgs(argv);
    if (parsed.command === "help") io.stdout.write(HELP);
    else if (parsed.command === "version") io.stdout.write(`tierfetch ${version()}\n`);
    else return parsed.args;
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const c = colors(wantsColor(io.stderr, io.env, !argv.includes("--no-color")));
    io.stderr.write(`${c.red(c.bold("tierfetch:"))} ${error.message}\n${USAGE_HINT}\n`);
    return EXIT.usage;
  }
}

/** Reads what the request needs, registering its secrets with the reporter first. */
async function prepare(args: CliArgs, io: Io, secrets: string[]): Promise<Prepared> {
  let token: string | undefined;
  if (args.tokenEnv !== undefined) {
    token = io.env[args.tokenEnv];
    if (!token) throw new UsageError(`--token-env ${args.tokenEnv}: that environment variable is not set or empty`);
  }
  // The body only adds Content-Type and Accept, never a secret.
  secrets.push(...secretsOf(args, requestHeaders(args, undefined), token));
  const file = args.output === undefined ? undefined : outputPath(args.output, args.url);
  const body = await loadBody(args.body, io.stdin);
  return { token, file, body, headers: requestHeaders(args, body) };
}
