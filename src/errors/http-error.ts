import { maskSecrets } from "../security/secrets.js";
import { TierfetchError, at, hide, isTierfetchError, type ErrorDetails } from "./tierfetch-error.js";

/** The response had an error status (by default: anything not 2xx, after redirects). */
export class HttpError extends TierfetchError {
  override name = "HttpError";
  /** The HTTP status code. */
  readonly status: number;
  declare readonly response: Response;

  /**
   * @param bodyStart the first characters of the response body, for the message.
   * @param secrets values the request sent that the server's text must not echo into the message.
   */
  constructor(request: Request, response: Response, bodyStart: string, details: ErrorDetails = {}, secrets: readonly string[] = []) {
    const text = maskSecrets(bodyStart.slice(0, 1024), secrets);
    const excerpt = text ? `: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}` : "";
    const status = maskSecrets(`${response.status} ${response.statusText.slice(0, 200)}`.trim(), secrets);
    super(at(request, `failed with ${status}${excerpt}`), "ERR_HTTP", { ...details, request });
    this.status = response.status;
    hide(this, "response", response);
  }
}

/** True for an {@link HttpError}, across realms and library copies. */
export function isHttpError(value: unknown): value is HttpError {
  return isTierfetchError(value) && value.code === "ERR_HTTP";
}
