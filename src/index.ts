export { createClient, tierfetch, type Client, type Input } from "./client.js";
export { ResponsePromise } from "./pipeline/response.js";
export { parseDuration, type Duration } from "./resilience/durations.js";
export {
  TierfetchError, HttpError, TimeoutError, NetworkError,
  isTierfetchError, isHttpError, isTimeoutError, isNetworkError,
  ValidationError, isValidationError, RedirectError, isRedirectError, ParseError, isParseError, type ErrorCode, type TimeoutKind,
  LimitError, isLimitError, type LimitKind,
} from "./errors/index.js";
export { lines, ndjson } from "./features/read-lines.js";
export { sse } from "./features/sse-request.js";
export type { ResponseSource } from "./features/pending-response.js";
export { paginate, type PaginateOptions, type PageContext, type NextPage } from "./features/paginate.js";
export { trackUpload } from "./features/track-upload.js";
export type { UploadTracker } from "./http/upload-tracker.js";
export { validateJson, type StandardSchemaV1, type StandardIssue } from "./features/schema.js";
export type { ServerSentEvent, SseOptions, LinesOptions, ByteSource } from "./decode/index.js";
export type { Stats } from "./stats.js";
export type { Tracer, TracerSpan, SpanAttributeValue } from "./observe/tracing.js";
export type {
  ClientOptions, RequestOptions, CommonOptions, PassThroughInit, RetryOptions, RetryBudgetOptions, RetryContext, HedgeOptions,
  TimeoutOption, TimeoutTiers, TierName, Hooks, HookContext, BeforeRequestHook, BeforeRetryHook, AfterResponseHook,
  BeforeErrorHook, Progress, QueryOptions, QueryValue, HeadersOption, FetchFunction, TokenOption, SseRequestOptions,
} from "./options/options.js";
