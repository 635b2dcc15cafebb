/**
 * The command line, parsed and checked once: every later step reads plain, validated values.
 * `tierfetch [METHOD] URL [ITEM...] [flags]`, with curl's flags and HTTPie's request items.
 * Anything wrong here is the user's typing, reported as a {@link UsageError} (exit status 2).
 */
import { checkTimeout, parseHeaderFlag, parseQueryFlag, parseRetries, parseUser } from "./flag-values.js";
import { parseFlags, type Flags } from "./flags.js";
import { parseItem, TOKEN, type FieldItem, type RequestItem } from "./items.js";
import { isPlainHttpOffHost, parseTargetUrl, type Credentials, type TargetUrl } from "./url-input.js";
import { quoteInput, UsageError } from "./usage-error.js";

export { UsageError };

/** How the response body is shown. */
export type BodyMode = "buffer" | "lines" | "ndjson" | "sse";

/** HTTPie's `--pretty`: format (indent JSON), colours, both or neither. */
export type Pretty = "all" | "colors" | "format" | "none";

/** Where a request body comes from, before it is read. */
export type BodySource =
  | { kind: "json"; value: string } // JSON text, or "@file" / "@-"
  | { kind: "data"; values: string[] } // raw text, or "@file" / "@-", joined with "&" (curl -d)
  | { kind: "fields"; fields: FieldItem[] }; // the JSON object made from name=value / name:=json items

export interface CliArgs {
  method: string;
  url: string;
  /** In command-line order; `undefined` removes a header (`-H 'Name:'`, `Name:`). */
  headers: [string, string | undefined][];
  query: [string, string][];
  body: BodySource | undefined;
  /** Basic auth, from `-u user:password` or the URL's `user:password@`. */
  credentials: Credentials | undefined;
  /** Tier name, `"none"` or a duration string, as typed; undefined: the mode's default. */
  timeout: string | undefined;
  /** -m/--max-time in milliseconds: the whole transfer, retries and body included (curl's); undefined: none. */
  maxTime: number | undefined;
  idleTimeout: string | undefined;
  retries: number | undefined;
  mode: BodyMode;
  output: string | undefined;
  /** undefined: decided by where stdout goes (a terminal: all; a pipe or file: none). */
  pretty: Pretty | undefined;
  /** -i: the status line and response headers on stdout before the body. */
  include: boolean;
  /** -L: follow redirects. */
  follow: boolean;
  /** -f: an HTTP error prints no body. */
  fail: boolean;
  verbose: boolean;
  /** -q, or curl's -sS: only errors on stderr. */
  quiet: boolean;
  /** curl's -s without -S: nothing on stderr at all. */
  silent: boolean;
  tokenEnv: string | undefined;
  allowHttp: boolean;
  /** `false` after `--no-color`. */
  color: boolean;
}

export type ParsedArgs = { command: "help" } | { command: "version" } | { command: "request"; args: CliArgs };

const KNOWN_METHODS = /^(?:get|head|post|put|patch|delete|options|trace|connect)$/i;
/** A first word read as a method (HTTPie): letters and dashes only, so a host name with a dot or port is not one. */
const METHOD_WORD = /^[A-Za-z][A-Za-z-]*$/;
const PRETTY = ["all", "colors", "format", "none"];

/** Parses `argv` (without `node` and the script). Throws {@link UsageError}. */
export function parseArgs(argv: string[]): ParsedArgs {
  const flags = parseFlags(argv);
  const on = (name: string) => flags.switches.get(name) === true;
  if (on("help")) return { command: "help" };
  if (on("version")) return { command: "version" };

  const { method, url, items } = splitPositional(flags);
  const target = parseTargetUrl(url);
  const { headers, query, fields } = collect(flags, items);
  const body = bodySource(single(flags, "json"), flags.values.get("data"), fields);
  const mode = bodyMode(flags);
  const output = outputOf(flags);
  if (output !== undefined && mode !== "buffer") throw new UsageError(`-o writes the raw body; it does not combine with --${mode}`);
  const timeout = single(flags, "timeout");
  if (timeout !== undefined) checkTimeout("--timeout", timeout, true);
  const idleTimeout = single(flags, "idle-timeout");
  if (idleTimeout !== undefined) checkTimeout("--idle-timeout", idleTimeout, false);
  const tokenEnv = tokenEnvOf(flags);

  return {
    command: "request",
    args: {
      method: (method ?? (on("head") ? "HEAD" : body ? "POST" : "GET")).toUpperCase(),
      url: target.href,
      headers,
      query,
      body,
      credentials: credentialsOf(flags, target, tokenEnv),
      timeout,
      maxTime: maxTimeOf(flags),
      idleTimeout,
      retries: parseRetries(flags.values.get("retries")?.[0]),
      mode,
      output,
      pretty: prettyOf(flags),
      include: on("include") || on("head"),
      follow: on("location"),
      fail: on("fail"),
      verbose: on("verbose"),
      quiet: on("quiet") || on("silent"),
      silent: on("silent") && !on("show-error"),
      tokenEnv,
      allowHttp: on("allow-http"),
      color: flags.switches.get("color") !== false,
    },
  };
}

/** A value flag's one value; an empty one is a mistake. */
function single(flags: Flags, name: string): string | undefined {
  const v = flags.values.get(name)?.[0];
  if (v === "") throw new UsageError(`--${name} needs a value`);
  return v;
}

/** -o FILE or DIR/; curl's -O is -o ./ (the URL's file name here), and -o - is stdout. */
function outputOf(flags: Flags): string | undefined {
  const output = single(flags, "output");
  if (output !== undefined && flags.switches.get("remote-name")) throw new UsageError("use either -o or -O, not both");
  if (flags.switches.get("remote-name")) return "./";
  return output === "-" ? undefined : output;
}

/** curl's -m / --max-time SECONDS, in milliseconds; 0 (as curl) or absent: no limit. */
function maxTimeOf(flags: Flags): number | undefined {
  const maxTime = single(flags, "max-time");
  if (maxTime === undefined) return undefined;
  if (!/^(?:\d+(?:\.\d*)?|\.\d+)$/.test(maxTime)) throw new UsageError(`-m/--max-time takes seconds (like 10 or 2.5), not ${quoteInput(maxTime)}`);
  const ms = Math.round(Number(maxTime) * 1000);
  return ms > 0 ? ms : undefined;
}

/** -H and --query in order, then the items' headers, queries and body fields. */
function collect(flags: Flags, items: RequestItem[]): { headers: [string, string | undefined][]; query: [string, string][]; fields: FieldItem[] } {
  const headers = (flags.values.get("header") ?? []).map(parseHeaderFlag);
  const query = (flags.values.get("query") ?? []).map(parseQueryFlag);
  const fields: FieldItem[] = [];
  for (const item of items) {
    if (item.kind === "header") headers.push([item.name, item.value]);
    else if (item.kind === "query") query.push([item.name, item.value]);
    else fields.push(item);
  }
  return { headers, query, fields };
}

function tokenEnvOf(flags: Flags): string | undefined {
  const name = single(flags, "token-env");
  if (name !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new UsageError(`--token-env takes the NAME of an environment variable (like API_TOKEN), not ${name.length > 40 ? "a value" : quoteInput(name)}`);
  }
  return name;
}

/** Basic auth from -u, else from the URL's user info (curl: -u wins); never in clear text off this machine unless --allow-http. */
function credentialsOf(flags: Flags, target: TargetUrl, tokenEnv: string | undefined): Credentials | undefined {
  const user = flags.values.get("user")?.[0];
  const credentials = user !== undefined ? parseUser(user) : target.credentials;
  if (!credentials) return undefined;
  if (tokenEnv !== undefined) throw new UsageError("use either -u (Basic auth) or --token-env (Bearer), not both");
  if (flags.switches.get("allow-http") !== true && isPlainHttpOffHost(target.href)) {
    throw new UsageError(`Basic auth would send the password in clear text over http to ${new URL(target.href).host}: use https, or --allow-http`);
  }
  return credentials;
}

function prettyOf(flags: Flags): Pretty | undefined {
  const text = single(flags, "pretty");
  const raw = flags.switches.get("raw") === true;
  if (text !== undefined && !PRETTY.includes(text)) throw new UsageError(`--pretty must be one of ${PRETTY.join(", ")}, not ${quoteInput(text)}`);
  if (text !== undefined && raw) throw new UsageError("use either --raw or --pretty, not both");
  return raw ? "none" : (text as Pretty | undefined);
}

/**
 * `[METHOD] URL [ITEM...]`: the first word is the method when it looks like one and the next
 * word is not a request item (`tierfetch localhost name=tea` is a POST to localhost). `-X` names
 * the method instead.
 */
function splitPositional(flags: Flags): { method: string | undefined; url: string; items: RequestItem[] } {
  const words = flags.positional;
  let method = flags.values.get("request")?.[0];
  if (method !== undefined && !TOKEN.test(method)) throw new UsageError(`-X needs an HTTP method, not ${quoteInput(method)}`);
  if (words.length === 0) throw new UsageError("missing URL");
  let rest = words;
  if (words.length === 1 && KNOWN_METHODS.test(words[0]!)) throw new UsageError(`missing URL after ${words[0]}`);
  if (words.length >= 2 && METHOD_WORD.test(words[0]!) && (looksLikeUrl(words[1]!) || parseItem(words[1]!) === undefined)) {
    if (method !== undefined) throw new UsageError(`the method is given twice: -X ${method} and ${words[0]}`);
    method = words[0]!;
    rest = words.slice(1);
  } else if (words.length >= 2 && KNOWN_METHODS.test(words[1]!)) {
    throw new UsageError(`put the method first: tierfetch ${words[1]!.toUpperCase()} URL`);
  }
  const [url, ...itemWords] = rest as [string, ...string[]];
  const items = itemWords.map((word) => {
    const item = parseItem(word);
    if (!item) throw new UsageError(`not a request item: ${quoteInput(word)} (use name=value, name:=json, Header:value or name==value; quote a URL that has spaces or &)`);
    return item;
  });
  return { method, url, items };
}

/**
 * A word read as a URL rather than an item: with a scheme, HTTPie's `:3000` shorthand, or a
 * host with a dot (or localhost, or an IPv6 literal) and a port: `example.com:8080/x` is a URL,
 * `X-Count:5` a header.
 */
function looksLikeUrl(word: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\/|^:/.test(word) || /^(?:localhost|[^\s=:/]*\.[^\s=:/]*|\[[0-9A-Fa-f:.]+\]):\d+(?:[/?#]|$)/.test(word);
}

function bodySource(json: string | undefined, data: string[] | undefined, fields: FieldItem[]): BodySource | undefined {
  const given = [json !== undefined && "--json", data !== undefined && "-d", fields.length > 0 && "name=value items"].filter(Boolean);
  if (given.length > 1) throw new UsageError(`use one of --json, -d or name=value items, not ${given.join(" and ")}`);
  if (json !== undefined) return { kind: "json", value: json };
  if (data !== undefined) return { kind: "data", values: data };
  if (fields.length > 0) return { kind: "fields", fields };
  return undefined;
}

function bodyMode(flags: Flags): BodyMode {
  const modes = (["lines", "ndjson", "sse"] as const).filter((m) => flags.switches.get(m));
  if (modes.length > 1) throw new UsageError(`choose one of --${modes.join(", --")}`);
  return modes[0] ?? "buffer";
}
