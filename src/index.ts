export { createClient, tierfetch } from "./full-client.js";
export { createCoreClient } from "./core.js";
export type { Client, CoreClient, Input } from "./client.js";
export { ResponsePromise } from "./pipeline/response.js";
export { CoreResponsePromise } from "./pipeline/response-core.js";
export { parseDuration, type Duration } from "./resilience/durations.js";
export {
  TierfetchError, HttpError, TimeoutError, NetworkError,
  isTierfetchError, isHttpError, isTimeoutError, isNetworkError,
  ValidationError, isValidationError, RedirectError, isRedirectError, ParseError, isParseError, type ErrorCode, type TimeoutKind,
  LimitError, isLimitError, type LimitKind,
} from "./errors/index.js";
export { lines, ndjson, sse } from "./decode/index.js";
export type { ServerSentEvent, SseOptions, LinesOptions, ByteSource } from "./decode/index.js";
export type { Stats } from "./stats.js";
export type { Tracer, TracerSpan, SpanAttributeValue } from "./observe/tracing.js";
export type {
  ClientOptions, RequestOptions, CommonOptions, PassThroughInit, RetryOptions, RetryBudgetOptions, RetryContext,
  TimeoutOption, TimeoutTiers, TierName, Hooks, HookContext, BeforeRequestHook, BeforeRetryHook, AfterResponseHook,
  BeforeErrorHook, Progress, QueryOptions, QueryValue, HeadersOption, FetchFunction, TokenOption, SseRequestOptions,
} from "./options/options.js";
export type { PaginateOptions, PageContext, NextPage } from "./features/paginate.js";
export type { StandardSchemaV1, StandardIssue } from "./features/schema.js";
