/**
 * The standalone stream decoders: `lines`, `ndjson` and `sse`.
 *
 * @module
 */
export { lines } from "./lines.js";
export { ndjson } from "./ndjson.js";
export { sse, type ServerSentEvent, type SseOptions } from "./sse.js";
export type { ByteSource } from "./source.js";
