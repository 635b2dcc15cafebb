/**
 * What only streaming, pagination and schema validation need, loaded on first use with
 * `import()`: an app that only makes JSON requests never downloads the decoders (bundlers put
 * this module in a lazy chunk).
 *
 * Nothing reached from here may import a value from the client's modules (errors, retry,
 * timeouts, option checks...): esbuild splits by file, and any such module would leave the
 * client's file for a chunk shared with this one, so the one-request app would load two files.
 * What the lazy code needs from the client is passed in as arguments.
 */
export { lines } from "./decode/lines.js";
export { ndjson } from "./decode/ndjson.js";
export { sse } from "./decode/sse.js";
export { cancelUnopened } from "./decode/source.js";
export { reconnectingSse } from "./sse-reconnect.js";
export { paginate } from "./paginate.js";
export { validate } from "./schema.js";
export { supportsRequestStreams } from "./stream-uploads.js";
export { serialiseBody, countedStream, canCountUploads } from "./upload-progress.js";
