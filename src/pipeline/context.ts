/** The one context object of a call, given to every hook and to `shouldRetry`. */
import { INSPECT } from "../errors/tierfetch-error.js";
import { redactUrl } from "../security/redact.js";
import { secretValues } from "../security/secrets.js";

/**
 * Hook context, one per call: every hook gets it as what it may read (it has every field of a
 * RetryContext, so no cast is needed). `request` is built on first use when no hook built one.
 */
class Context {
  method: string;
  url: string;
  attempt = 0;
  retryCount = 0;
  response: Response | undefined;
  error: unknown;
  /** Before a retry: milliseconds the client will wait. */
  delay = 0;
  /** Before a retry: what the server asked for with Retry-After, if it did. */
  retryAfter: number | undefined;
  #current: Request | undefined;
  #headers: Record<string, string>;
  /** Every URL the call sent a request to: its own, redirect hops, a hook's. */
  #sentTo: string[];

  constructor(method: string, url: string, headers: Record<string, string>) {
    this.method = method;
    this.url = url;
    this.#headers = headers;
    this.#sentTo = [url];
  }

  /** The request of the current attempt (its headers include Authorization: never log it). */
  get request(): Request {
    return (this.#current ??= describeRequest(this.url, this.method, this.#headers));
  }
  set request(value: Request) {
    this.#current = value;
  }

  /** Starts an attempt sent with these headers: the request is built anew from them on first use. */
  beginAttempt(headers: Record<string, string>): void {
    this.#headers = headers;
    this.#current = undefined;
    this.response = undefined;
    this.error = undefined;
  }

  /**
   * Records a URL a request of the call went to (a redirect hop): its secret query values are
   * masked too. (A URL seen twice adds no value twice: secretValues keeps each value once.)
   */
  sentTo(url: string): void {
    this.#sentTo.push(url);
  }

  /**
   * The secret values sent (the current request's headers, a hook's included, or `headers`;
   * every URL), to mask in text a server echoes.
   */
  secrets(headers: Record<string, string> = Object.fromEntries(this.request.headers)): string[] {
    return secretValues(headers, ...this.#sentTo);
  }

  /** Log-safe: method, redacted URL, counters. */
  toJSON(): Record<string, unknown> {
    return { method: this.method, url: redactUrl(this.url), attempt: this.attempt, retryCount: this.retryCount, status: this.response?.status };
  }
}

/**
 * util.inspect (console.log) shows the log-safe form, never the raw URL. Set here rather than
 * as a `[INSPECT]()` method: a computed key keeps the class in every bundle of the flat dist/
 * file (a decoders-only app carried it, 650 B gzip), while an unused pure call is dropped.
 */
function inspectable(target: typeof Context): typeof Context {
  Object.defineProperty(target.prototype, INSPECT, {
    value(this: Context) {
      return `CallContext ${JSON.stringify(this.toJSON())}`;
    },
  });
  return target;
}

export const CallContext = /* @__PURE__ */ inspectable(Context);
export type CallContext = Context;

/**
 * A Request describing the call, for hooks and errors. Runtimes refuse to build one for a
 * forbidden method (TRACE, CONNECT): describe it with GET and the real method on top.
 */
function describeRequest(url: string, method: string, headers: Record<string, string>): Request {
  try {
    return new Request(url, { method, headers });
  } catch {
    const request = new Request(url, { headers });
    Object.defineProperty(request, "method", { value: method });
    return request;
  }
}
