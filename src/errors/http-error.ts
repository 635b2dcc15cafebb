import { TierfetchError, at, hide, isTierfetchError, type ErrorDetails } from "./tierfetch-error.js";

/** The response had an error status (by default: anything not 2xx, after redirects). */
export class HttpError extends TierfetchError {
  override name = "HttpError";
  /** The HTTP status code. */
  readonly status: number;
  declare readonly response: Response;

  /** @param bodyStart the first characters of the response body, for the message. */
  constructor(request: Request, response: Response, bodyStart: string, details: ErrorDetails = {}) {
    const excerpt = bodyStart ? `: ${bodyStart.length > 200 ? `${bodyStart.slice(0, 200)}…` : bodyStart}` : "";
    const status = `${response.status} ${response.statusText}`.trim();
    super(at(request, `failed with ${status}${excerpt}`), "ERR_HTTP", { ...details, request });
    this.status = response.status;
    hide(this, "response", response);
  }
}

/** True for an {@link HttpError}, across realms and library copies. */
export function isHttpError(value: unknown): value is HttpError {
  return isTierfetchError(value) && value.code === "ERR_HTTP";
}
