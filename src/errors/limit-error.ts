import { TierfetchError, isTierfetchError } from "./tierfetch-error.js";

/** What grew past its limit: one line (`lines`, `ndjson`) or one Server-Sent Event (`sse`). */
export type LimitKind = "line" | "event";

/**
 * A stream decoder met a line (`maxLineBytes`) or an event (`maxEventBytes`) larger than
 * allowed. The source has been cancelled (the connection released) before this rejects.
 *
 * @example
 * ```ts
 * try {
 *   for await (const line of lines(res, { maxLineBytes: 1024 * 1024 })) handle(line);
 * } catch (error) {
 *   if (isLimitError(error)) console.warn(`a ${error.kind} passed ${error.limit} bytes`);
 *   else throw error;
 * }
 * ```
 */
export class LimitError extends TierfetchError {
  override name = "LimitError";
  /** The limit that was passed, in UTF-8 bytes. */
  readonly limit: number;
  /** What passed it: a line or an event. */
  readonly kind: LimitKind;

  constructor(kind: LimitKind, limit: number) {
    const option = kind === "line" ? "maxLineBytes" : "maxEventBytes";
    super(`${kind === "line" ? "a line" : "an event"} of the stream is longer than ${limit} bytes (${option}); the stream was cancelled`, "ERR_LIMIT");
    this.limit = limit;
    this.kind = kind;
  }
}

/** True for a {@link LimitError}, across realms and library copies. */
export function isLimitError(value: unknown): value is LimitError {
  return isTierfetchError(value) && value.code === "ERR_LIMIT";
}
