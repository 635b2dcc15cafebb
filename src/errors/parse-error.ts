import { TierfetchError, at, hide, isTierfetchError, type ErrorDetails } from "./tierfetch-error.js";

/** A response body was not what the shortcut reads: not JSON for `.json()`, not an event stream for `sse(p)`. */
export class ParseError extends TierfetchError {
  override name = "ParseError";
  /** The status of the response. */
  readonly status: number;
  declare readonly response: Response;

  /** @param problem what was wrong, including the start of the body when it helps (masked by the caller). */
  constructor(request: Request | undefined, response: Response, problem: string, details: ErrorDetails = {}) {
    super(at(request, `${response.status} response: ${problem}`), "ERR_PARSE", { ...details, request });
    this.status = response.status;
    hide(this, "response", response);
  }
}

/** True for a {@link ParseError}, across realms and library copies. */
export function isParseError(value: unknown): value is ParseError {
  return isTierfetchError(value) && value.code === "ERR_PARSE";
}
