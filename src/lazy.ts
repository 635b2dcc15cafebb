/**
 * What only streaming, pagination and schema validation need, loaded on first use with
 * `import()`: an app that only makes JSON requests never downloads the decoders (bundlers put
 * this module in a lazy chunk).
 */
export { lines } from "./decode/lines.js";
export { ndjson } from "./decode/ndjson.js";
export { sse } from "./decode/sse.js";
export { cancelUnopened } from "./decode/source.js";
export { reconnectingSse } from "./sse-reconnect.js";
export { paginate } from "./paginate.js";
export { validate } from "./schema.js";
