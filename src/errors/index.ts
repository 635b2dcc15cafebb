export { TierfetchError, isTierfetchError, type ErrorCode, type ErrorDetails } from "./tierfetch-error.js";
export { HttpError, isHttpError } from "./http-error.js";
export { TimeoutError, isTimeoutError, type TimeoutKind } from "./timeout-error.js";
export { NetworkError, isNetworkError } from "./network-error.js";
export { ValidationError, isValidationError } from "./validation-error.js";
export { RedirectError, isRedirectError } from "./redirect-error.js";
export { ParseError, isParseError } from "./parse-error.js";
