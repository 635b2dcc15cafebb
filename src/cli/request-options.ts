/**
 * The client and the request options one invocation uses, from the parsed arguments: the
 * traced fetch, retries reported as they happen, the limits, redirects only with -L.
 */
import { createClient, type Client, type RequestOptions } from "../index.js";
import type { CliArgs } from "./args.js";
import { attemptReason } from "./failure.js";
import { limits } from "./limits.js";
import type { Reporter } from "./report.js";
import type { LoadedBody } from "./request-body.js";
import type { Trace } from "./trace.js";

/** tierfetch's default number of retries, shown in "retry 1/4". */
const DEFAULT_RETRIES = 4;

export function cliClient(args: CliArgs, token: string | undefined, reporter: Reporter, trace: Trace): Client {
  return createClient({
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
}

export function requestOptions(args: CliArgs, headers: Record<string, string | undefined>, body: LoadedBody | undefined, signal: AbortSignal): RequestOptions {
  const lim = limits(args);
  return withoutUndefined({
    headers,
    query: queryRecord(args.query),
    body: body?.body,
    // Typed by the user: parseDuration checks them (the types cannot know a flag's text).
    timeout: lim.timeout as RequestOptions["timeout"],
    idleTimeout: lim.idleTimeout as RequestOptions["idleTimeout"],
    retry: args.retries,
    redirect: args.follow ? "follow" : "manual",
    signal,
  });
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
