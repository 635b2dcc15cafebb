/**
 * The URL as typed, made whole: `:3000/x` is http://localhost:3000/x (HTTPie's shorthand), a
 * loopback host without a scheme gets http, anything else https (credentials must not travel
 * over plain http by accident). A `user:password@` in it is taken out and handed back to be
 * sent as Basic auth, as curl does; the password is never shown.
 */
import { redactUrl } from "../security/redact.js";
import { isLoopback } from "../http/url.js";
import { quoteInput, UsageError } from "./usage-error.js";

export interface Credentials {
  user: string;
  password: string;
}

export interface TargetUrl {
  /** Without user info. */
  href: string;
  credentials: Credentials | undefined;
}

export function parseTargetUrl(input: string): TargetUrl {
  let text = input;
  if (/^:\d*(?:[/?#]|$)/.test(text)) text = `localhost${text}`;
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text)) {
    const authority = text.split(/[/?#]/, 1)[0]!;
    const host = authority.slice(authority.lastIndexOf("@") + 1).replace(/:\d*$/, "").toLowerCase();
    text = `${isLoopback(host) ? "http" : "https"}://${text}`;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`not a valid URL: ${quoteInput(redactUrl(text), 200)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`only http and https URLs are supported, not ${url.protocol.slice(0, -1)}`);
  let credentials: Credentials | undefined;
  if (url.username || url.password) {
    credentials = { user: decode(url.username), password: decode(url.password) };
    url.username = url.password = "";
  }
  return { href: url.href, credentials };
}

/** True when a request to `href` would carry credentials in clear text off this machine. */
export function isPlainHttpOffHost(href: string): boolean {
  const url = new URL(href);
  return url.protocol === "http:" && !isLoopback(url.hostname);
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
