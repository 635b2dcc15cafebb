/**
 * The size limits of the stream decoders: their defaults, the option check, and how a
 * line is measured (UTF-8 bytes of the decoded text).
 *
 * @module
 */
/** Default of `maxLineBytes` (`lines`, `ndjson`): 8 MiB. */
export const DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024;
/** Default of `maxEventBytes` (`sse`): 16 MiB. */
export const DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024;

/**
 * A limit option as bytes: `undefined` gives the default; anything but a positive
 * integer is a TypeError naming the option.
 *
 * @example
 * ```ts
 * byteLimit({ maxLineBytes: 1024 }, "maxLineBytes", DEFAULT_MAX_LINE_BYTES); // 1024
 * byteLimit(undefined, "maxLineBytes", DEFAULT_MAX_LINE_BYTES);              // 8388608
 * byteLimit({ maxLineBytes: 0 }, "maxLineBytes", DEFAULT_MAX_LINE_BYTES);    // throws TypeError
 * ```
 */
export function byteLimit<K extends string>(options: { readonly [key in K]?: number } | undefined, name: K, fallback: number): number {
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new TypeError(`options must be an object, got ${options === null ? "null" : typeof options}`);
  }
  const value: unknown = options?.[name];
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive integer (bytes), got ${typeof value === "number" ? value : typeof value}`);
  }
  return value;
}

/**
 * UTF-8 length of `text.slice(start, end)`, text as a `TextDecoder` gives it (no lone
 * surrogates: a surrogate pair is 4 bytes, an invalid input byte is U+FFFD, 3 bytes).
 */
export function utf8Length(text: string, start: number, end: number): number {
  let bytes = end - start;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) bytes += c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 1 : 2;
  }
  return bytes;
}

/**
 * Whether `text.slice(start, end)` is longer than `limit` UTF-8 bytes. Decides on the
 * length alone when it can (a UTF-16 unit is 1 to 3 bytes), counting only in between.
 */
export function overLimit(text: string, start: number, end: number, limit: number): boolean {
  const units = end - start;
  if (units * 3 <= limit) return false;
  return units > limit || utf8Length(text, start, end) > limit;
}

