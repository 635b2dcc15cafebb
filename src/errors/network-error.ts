import { redactUrl } from "../security/redact.js";
import { maskSecrets, secretValues } from "../security/secrets.js";
import { TierfetchError, at, isTierfetchError, type ErrorDetails } from "./tierfetch-error.js";

/** How deep a cause chain is followed, and how many of an AggregateError's errors are shown. */
const MAX_DEPTH = 8;
const MAX_ERRORS = 3;
/** The longest reason a message shows (the full chain stays in `cause`). */
const MAX_REASON = 300;

/** `code: message` of one error (the code once: `connect ECONNREFUSED ...` already holds it). */
function describe(error: unknown): string {
  if (typeof error !== "object" || error === null) return error == null ? "" : String(error);
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = typeof message === "string" ? message.trim() : "";
  const name = typeof code === "string" || typeof code === "number" ? String(code) : "";
  return !name || text.includes(name) ? text : text ? `${name}: ${text}` : name;
}

/**
 * The innermost cause that says something: followed through `cause` (undici puts the socket's
 * error there, sometimes one level further) and through an AggregateError's `errors` (each
 * address tried), else the error itself.
 */
function innermost(error: unknown, depth: number): string {
  if (depth < MAX_DEPTH && typeof error === "object" && error !== null) {
    const { cause, errors } = error as { cause?: unknown; errors?: unknown };
    const deeper = cause === undefined ? "" : innermost(cause, depth + 1);
    if (deeper) return deeper;
    if (Array.isArray(errors) && errors.length) {
      const parts = [...new Set(errors.slice(0, MAX_ERRORS).map((e: unknown) => innermost(e, depth + 1)))].filter(Boolean);
      if (parts.length) return parts.join("; ") + (errors.length > MAX_ERRORS ? `; and ${errors.length - MAX_ERRORS} more` : "");
    }
  }
  return describe(error);
}

/**
 * Why a request failed, readable in one line: the runtime's message and its innermost cause
 * (`fetch failed: UND_ERR_SOCKET: other side closed`, `terminated: read ECONNRESET`), URLs in
 * it redacted (Deno and Bun put the request URL there), `secrets` masked (by default the
 * request's: secret header values, each cookie, secret query values; a call passes all it sent,
 * a redirect hop's query values included), cut at 300 characters.
 */
export function describeCause(cause: unknown, request?: Request, secrets = request ? secretValues(Object.fromEntries(request.headers), request.url) : []): string {
  const outer = describe(cause);
  const inner = innermost(cause, 0);
  let reason = !inner || inner === outer ? outer : outer && !inner.includes(outer) ? `${outer}: ${inner}` : inner;
  reason = reason.replace(/\b(?:https?|wss?):\/\/[^\s)'"<>]+/gi, (url) => redactUrl(url));
  reason = maskSecrets(reason, secrets);
  return reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 3)}...` : reason || "unknown reason";
}

/** The request never got a complete response: refused, reset, DNS, TLS, a body cut short. */
export class NetworkError extends TierfetchError {
  override name = "NetworkError";

  /** `secrets`: every secret value the call sent (a redirect hop's too), masked in the message; by default `details.request`'s. */
  constructor(cause: unknown, details: ErrorDetails = {}, secrets?: string[]) {
    super(at(details.request, `failed with a network error: ${describeCause(cause, details.request, secrets)}`), "ERR_NETWORK", { ...details, cause });
  }
}

/** True for a {@link NetworkError}, across realms and library copies. */
export function isNetworkError(value: unknown): value is NetworkError {
  return isTierfetchError(value) && value.code === "ERR_NETWORK";
}
