/**
 * Redirects followed by the client, where the runtime lets it see them (Node, Deno, Bun,
 * workerd, edge-runtime: `redirect: "manual"` gives the 3xx itself). Browsers follow redirects
 * themselves and never show them. Rules (WHATWG fetch §4.4, plus what fetch leaves out):
 * - on a hop to another origin, Authorization, Cookie, Proxy-Authorization and every
 *   secret-named header are dropped, for good;
 * - a hop to plain http on a remote host is refused while the request carries credentials
 *   or a body, unless `allowHttp`;
 * - 303 (and 301/302 after POST) turn into a GET without a body; 307/308 send the body again,
 *   which must be replayable;
 * - at most MAX_HOPS hops, every one inside the same attempt (its timeout and signal).
 */
import { RedirectError } from "../errors/redirect-error.js";
import type { HeaderRecord } from "../http/headers.js";
import { isSecretHeader } from "../security/secret-names.js";
import { noop } from "../resilience/timers.js";
import { isLoopback } from "../http/url.js";
import { standIn } from "./fetched-response.js";

export const MAX_HOPS = 20;

/** What a hop is sent with. */
export interface Hop {
  url: string;
  method: string;
  headers: HeaderRecord;
  body: BodyInit | undefined;
}

/** What the redirect rules need to know of the call. */
export interface RedirectRules {
  /** The body can be sent again (not a stream). */
  replayable: boolean;
  /** The body to send again on a 307/308 (a counted upload's stream is spent: the plain body goes). */
  resend: () => BodyInit | undefined;
  /** The request carried credentials when it started. */
  hasCredentials: boolean;
  allowHttp: boolean;
  /** For the errors: the request and attempts so far. */
  details: () => { request: Request; attempts: number };
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers that describe a body: dropped with it. */
const BODY_HEADERS = ["content-type", "content-length", "content-encoding", "content-language", "content-location"];

/** True for a redirect status (301, 302, 303, 307, 308). */
export const isRedirectStatus = (status: number): boolean => REDIRECTS.has(status);

/** True for a response the client follows: a redirect status with a Location. */
export const isRedirect = (response: Response): boolean => REDIRECTS.has(response.status) && response.headers.has("location");

/**
 * The next hop after `response` (a redirect), or throws a RedirectError. The redirect's body
 * is cancelled, so its connection is released.
 */
export function nextHop(response: Response, hop: Hop, hops: number, rules: RedirectRules): Hop {
  const status = response.status;
  response.body?.cancel().catch(noop);
  const refuse = (problem: string) => new RedirectError(status, problem, rules.details());
  if (hops >= MAX_HOPS) throw refuse(`more than ${MAX_HOPS} redirects`);
  let target: URL;
  try {
    target = new URL(response.headers.get("location")!, hop.url);
  } catch {
    throw refuse("the Location header is not a URL");
  }
  if (target.protocol !== "http:" && target.protocol !== "https:") throw refuse(`the target's scheme ${target.protocol} is not http: or https:`);
  if (target.username || target.password) throw refuse("the target carries credentials (user:password@)");
  const from = new URL(hop.url);
  const next: Hop = { url: target.href, method: hop.method, headers: { ...hop.headers }, body: hop.body };

  if (status === 303 ? hop.method !== "GET" && hop.method !== "HEAD" : (status === 301 || status === 302) && hop.method === "POST") {
    next.method = "GET";
    next.body = undefined;
    for (const name of BODY_HEADERS) delete next.headers[name];
  } else if (next.body !== undefined) {
    if (!rules.replayable) throw refuse("the request body is a stream and cannot be sent again");
    next.body = rules.resend();
  }

  if (target.origin !== from.origin) {
    for (const name of Object.keys(next.headers)) if (isSecretHeader(name)) delete next.headers[name];
  }
  if (target.protocol === "http:" && from.protocol === "https:" && !rules.allowHttp && !isLoopback(target.hostname) && (rules.hasCredentials || next.body !== undefined)) {
    throw refuse(`a downgrade to plain http (${target.host}) while the request carries credentials or a body: use allowHttp: true to follow it`);
  }
  return next;
}

/**
 * The final response of a followed chain as fetch shows it: its URL (without the fragment, which
 * a response URL never has) and `redirected`, also on its clones.
 */
export function markRedirected(response: Response, url: string): Response {
  const hash = url.indexOf("#");
  return standIn(response, response.body, hash < 0 ? url : url.slice(0, hash), true);
}
