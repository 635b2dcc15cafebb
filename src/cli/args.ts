/**
 * The command line, parsed and checked once: every later step reads plain, validated values.
 * Anything wrong here is the user's typing, reported as a {@link UsageError} (exit status 2).
 */
import mri from "mri";
import { parseDuration } from "../index.js";

/** A mistake in the command line; its message is one line, without the usage hint. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** How the response body is shown. */
export type BodyMode = "buffer" | "lines" | "ndjson" | "sse";

/** Where a request body comes from, before it is read. */
export type BodySource =
  | { kind: "json"; value: string } // JSON text, or "@file" / "@-"
  | { kind: "data"; value: string }; // raw text, or "@file" / "@-"

export interface CliArgs {
  method: string;
  url: string;
  /** In command-line order; `undefined` removes a header (`-H 'Name:'`). */
  headers: [string, string | undefined][];
  query: [string, string][];
  body: BodySource | undefined;
  /** Tier name, `"none"` or a duration string, as typed; undefined: the mode's default. */
  timeout: string | undefined;
  idleTimeout: string | undefined;
  retries: number | undefined;
  mode: BodyMode;
  output: string | undefined;
  raw: boolean;
  verbose: boolean;
  quiet: boolean;
  tokenEnv: string | undefined;
  allowHttp: boolean;
  /** `false` after `--no-color`. */
  color: boolean;
}

export type ParsedArgs = { command: "help" } | { command: "version" } | { command: "request"; args: CliArgs };

const STRING_FLAGS = ["header", "json", "data", "query", "timeout", "idle-timeout", "retries", "output", "token-env"];
const BOOLEAN_FLAGS = ["lines", "ndjson", "sse", "raw", "verbose", "quiet", "help", "version", "allow-http", "color"];
const SHORT: Record<string, string[]> = { header: ["H"], output: ["o"], verbose: ["v"], quiet: ["q"], help: ["h"] };
// mri only knows the names listed in `alias` when it rejects unknown flags: list every flag there.
const ALIASES: Record<string, string[]> = Object.fromEntries([...STRING_FLAGS, ...BOOLEAN_FLAGS].map((f) => [f, SHORT[f] ?? []]));

const KNOWN_METHODS = /^(?:get|head|post|put|patch|delete|options|trace|connect)$/i;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/; // RFC 9110 token: method and header names

/** Parses `argv` (without `node` and the script). Throws {@link UsageError}. */
export function parseArgs(argv: string[]): ParsedArgs {
  const flags = mri(argv, {
    string: STRING_FLAGS,
    boolean: BOOLEAN_FLAGS,
    alias: ALIASES,
    unknown(flag) {
      throw new UsageError(`unknown option ${flag}`);
    },
  });
  if (flags.help) return { command: "help" };
  if (flags.version) return { command: "version" };

  const positional = flags._.map(String);
  let method: string | undefined;
  let url: string | undefined;
  if (positional.length === 0) throw new UsageError("missing URL");
  if (positional.length === 1) {
    url = positional[0]!;
    if (KNOWN_METHODS.test(url)) throw new UsageError(`missing URL after ${url}`);
  }
  else if (positional.length === 2) [method, url] = positional;
  else throw new UsageError(`too many arguments: ${positional.slice(2).map((a) => JSON.stringify(a)).join(" ")} (quote a URL that has spaces or &)`);
  if (method !== undefined && KNOWN_METHODS.test(url!) && !KNOWN_METHODS.test(method)) throw new UsageError(`put the method first: tierfetch ${url!.toUpperCase()} URL`);
  if (method !== undefined && !TOKEN.test(method)) throw new UsageError(`not an HTTP method: ${JSON.stringify(method)}`);

  const one = (name: string): string | undefined => {
    const v: unknown = flags[name];
    if (v === undefined) return undefined;
    if (Array.isArray(v)) throw new UsageError(`--${name} given more than once`);
    if (v === "") throw new UsageError(`--${name} needs a value`);
    return String(v);
  };
  const many = (name: string): string[] => {
    const v: unknown = flags[name];
    const list = v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
    if (list.includes("")) throw new UsageError(`--${name} needs a value`);
    return list;
  };

  const json = one("json");
  const data = one("data");
  if (json !== undefined && data !== undefined) throw new UsageError("use either --json or --data, not both");
  let body: BodySource | undefined;
  if (json !== undefined) body = { kind: "json", value: json };
  else if (data !== undefined) body = { kind: "data", value: data };

  const modes = (["lines", "ndjson", "sse"] as const).filter((m) => flags[m]);
  if (modes.length > 1) throw new UsageError(`choose one of --${modes.join(", --")}`);
  const mode = (modes[0] as BodyMode | undefined) ?? "buffer";
  const output = one("output");
  if (output !== undefined && mode !== "buffer") throw new UsageError(`-o writes the raw body; it does not combine with --${mode}`);

  const timeout = one("timeout");
  if (timeout !== undefined) checkTimeout("--timeout", timeout, true);
  const idleTimeout = one("idle-timeout");
  if (idleTimeout !== undefined) checkTimeout("--idle-timeout", idleTimeout, false);

  const retriesText = one("retries");
  let retries: number | undefined;
  if (retriesText !== undefined) {
    if (!/^\d+$/.test(retriesText) || Number(retriesText) > 100) throw new UsageError(`--retries must be a whole number from 0 to 100, not ${JSON.stringify(retriesText)}`);
    retries = Number(retriesText);
  }

  const tokenEnv = one("token-env");
  if (tokenEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(tokenEnv)) {
    throw new UsageError(`--token-env takes the NAME of an environment variable (like API_TOKEN), not ${tokenEnv.length > 40 ? "a value" : JSON.stringify(tokenEnv)}`);
  }

  return {
    command: "request",
    args: {
      method: (method ?? (body ? "POST" : "GET")).toUpperCase(),
      url: normalizeUrl(url!),
      headers: many("header").map(parseHeader),
      query: many("query").map(parseQuery),
      body,
      timeout,
      idleTimeout,
      retries,
      mode,
      output,
      raw: Boolean(flags.raw),
      verbose: Boolean(flags.verbose),
      quiet: Boolean(flags.quiet),
      tokenEnv,
      allowHttp: Boolean(flags["allow-http"]),
      color: flags.color !== false,
    },
  };
}

function checkTimeout(flag: string, value: string, tiers: boolean): void {
  if (value === "none" || (tiers && (value === "short" || value === "medium" || value === "long"))) return;
  try {
    parseDuration(value);
  } catch (error) {
    const hint = tiers ? "short, medium, long, none or a duration like 10s or 1m30s" : "none or a duration like 30s";
    const detail = error instanceof Error ? ` (${error.message})` : "";
    throw new UsageError(`${flag} must be ${hint}, not ${JSON.stringify(value)}${/^\d+(\.\d+)?$/.test(value) ? " (add a unit)" : detail}`);
  }
}

/** `Name: value`; `Name:` (nothing after the colon) removes the header. */
function parseHeader(text: string): [string, string | undefined] {
  const colon = text.indexOf(":");
  if (colon <= 0) throw new UsageError(`-H needs 'Name: value', not ${JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text)}`);
  const name = text.slice(0, colon).trim();
  if (!TOKEN.test(name)) throw new UsageError(`not a valid header name: ${JSON.stringify(name)}`);
  const value = text.slice(colon + 1).trim();
  // Report the header by name only: its value may be a secret.
  if (/[\r\n\0]/.test(value)) throw new UsageError(`header ${name} has a line break or NUL in its value`);
  return [name, value === "" ? undefined : value];
}

function parseQuery(text: string): [string, string] {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new UsageError(`--query needs key=value, not ${JSON.stringify(text)}`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}

/**
 * Adds a scheme when none is typed: `:3000/x` is http://localhost:3000/x, a loopback host
 * gets http, anything else https (tokens must not travel over plain http by accident).
 */
export function normalizeUrl(input: string): string {
  let text = input;
  if (/^:\d*(\/|$)/.test(text)) text = `localhost${text}`;
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text)) {
    const host = text.split(/[/?#]/, 1)[0]!.replace(/:\d+$/, "").toLowerCase();
    const loopback = host === "localhost" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);
    text = `${loopback ? "http" : "https"}://${text}`;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`not a valid URL: ${JSON.stringify(input)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`only http and https URLs are supported, not ${url.protocol.slice(0, -1)}`);
  return url.href;
}
