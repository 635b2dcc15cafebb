import { redactUrl } from "../redact.js";
import { TierfetchError, at, isTierfetchError, type ErrorDetails } from "./tierfetch-error.js";

/** The request never got a complete response: refused, reset, DNS, TLS, a body cut short. */
export class NetworkError extends TierfetchError {
  override name = "NetworkError";

  constructor(cause: unknown, details: ErrorDetails = {}) {
    // Some runtimes (Deno) put the URL in their message: mask its secret query values.
    const reason = (cause instanceof Error ? cause.message : String(cause)).replace(/\bhttps?:\/\/[^\s)'"]+/g, (url) => redactUrl(url));
    super(at(details.request, `failed with a network error: ${reason}`), "ERR_NETWORK", { ...details, cause });
  }
}

/** True for a {@link NetworkError}, across realms and library copies. */
export function isNetworkError(value: unknown): value is NetworkError {
  return isTierfetchError(value) && value.code === "ERR_NETWORK";
}
