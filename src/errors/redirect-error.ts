import { TierfetchError, at, isTierfetchError, type ErrorDetails } from "./tierfetch-error.js";

/** A redirect the client refused to follow: too many hops, a downgrade to plain http with credentials, a body that cannot be sent again. */
export class RedirectError extends TierfetchError {
  override name = "RedirectError";
  /** The status of the redirect refused. */
  readonly status: number;

  constructor(status: number, problem: string, details: ErrorDetails = {}) {
    super(at(details.request, `redirect (${status}) not followed: ${problem}`), "ERR_REDIRECT", details);
    this.status = status;
  }
}

/** True for a {@link RedirectError}, across realms and library copies. */
export function isRedirectError(value: unknown): value is RedirectError {
  return isTierfetchError(value) && value.code === "ERR_REDIRECT";
}
