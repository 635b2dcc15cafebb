import { redactUrl } from "../security/redact.js";

/** Codes carried by every error tierfetch raises. */
export type ErrorCode = "ERR_HTTP" | "ERR_TIMEOUT" | "ERR_NETWORK" | "ERR_CLOSED" | "ERR_VALIDATION" | "ERR_REDIRECT" | "ERR_PAGINATION" | "ERR_PARSE" | "ERR_LIMIT";

/** Where a request stood when it failed; the same shape for every error. */
export interface ErrorDetails {
  /** The request of the last attempt. Holds its real headers: never log it whole. */
  request?: Request;
  /** How many attempts were made (1 + retries + token refreshes). */
  attempts?: number;
  cause?: unknown;
  /** True when a retry was due but the client's retry budget was spent. */
  budgetExhausted?: boolean;
  /** Why retries stopped, when that is worth saying (the deadline, Retry-After, the budget). */
  stopped?: string;
}

const BRAND = Symbol.for("tierfetch.error");
/** The key of what Node's `util.inspect` (and so `console.log`) shows for an object. */
export const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/** Sets a non-enumerable property: left out of `Object.keys`, spreads and naive loggers. */
export function hide(target: object, key: PropertyKey, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true });
}

/** A URL as an error shows it: redacted, and cut after 2,000 characters (a path of 40,000 spaces is 120 KB encoded). */
const shown = (url: string): string => {
  const out = redactUrl(url);
  return out.length > 2000 ? `${out.slice(0, 2000)}…` : out;
};

/** `text` after the request's method and redacted URL (`GET https://h/p text`), or alone. */
export function at(request: Request | undefined, text: string): string {
  return request ? `${request.method} ${shown(request.url)} ${text}` : text;
}

/**
 * Base of every error tierfetch raises. `request` and `response` are non-enumerable and
 * left out of `toJSON()` and `util.inspect`, so logging the error never prints a token.
 */
export class TierfetchError extends Error {
  override name = "TierfetchError";
  /** A stable, machine-readable code. */
  readonly code: ErrorCode;
  /** How many attempts were made. */
  attempts: number;
  /** True when a retry was due but the client's retry budget was spent. */
  budgetExhausted?: boolean;
  declare request: Request | undefined;

  constructor(message: string, code: ErrorCode, details: ErrorDetails = {}) {
    super(details.stopped ? `${message} (${details.stopped})` : message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.attempts = details.attempts ?? 0;
    if (details.budgetExhausted) this.budgetExhausted = true;
    hide(this, "request", details.request);
    hide(this, BRAND, true);
  }

  /** Method and redacted URL of the request, e.g. `GET https://api.example.com/v2/users`. */
  get target(): string {
    return at(this.request, "").trim();
  }

  /**
   * A log-safe view: name, code, message, the data fields (attempts, status, timeout...: the
   * enumerable ones; request and response are not), method and redacted URL. No headers, no body.
   */
  toJSON(): Record<string, unknown> {
    const r = this.request;
    return { name: this.name, code: this.code, message: this.message, ...(this as object), ...(r && { method: r.method, url: shown(r.url) }) };
  }

  /** What Node's `util.inspect` (and so `console.log`) shows: the safe view and the stack. */
  [INSPECT](): string {
    return `${this.stack ?? `${this.name}: ${this.message}`}\n${JSON.stringify(this.toJSON(), null, 2)}`;
  }
}

/** True for any tierfetch error, even one from another copy of the library or another realm. */
export function isTierfetchError(value: unknown): value is TierfetchError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
