/**
 * The standalone stream decoders: `lines`, `ndjson` and `sse`, with their options and
 * the limits that bound their memory (`maxLineBytes`, `maxEventBytes`).
 *
 * @module
 */
export { lines, type LinesOptions } from "./lines.js";
export { ndjson } from "./ndjson.js";
export { sse, type ServerSentEvent, type SseOptions } from "./sse.js";
export type { ByteSource } from "./source.js";
