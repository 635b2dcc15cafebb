/** Encoding a request body from `json` or `body`, and whether it can be sent again byte for byte. */
import { optionError } from "../options/option-error.js";

/** A request body as every attempt sends it. */
export interface BodyPlan {
  body: BodyInit | undefined;
  /** False for a body that can be sent only once (a stream, an async iterable): never retried. */
  replayable: boolean;
  /** A stream: sent with `duplex: "half"`. */
  stream: boolean;
}

const NO_BODY: BodyPlan = { body: undefined, replayable: true, stream: false };

/**
 * The body of `json` or `body`; rejects both at once, unserialisable JSON, a body on GET/HEAD
 * and a value fetch would send as "[object Object]".
 */
export function encodeBody(method: string, json: unknown, body: unknown): BodyPlan {
  const hasJson = json !== undefined;
  const hasBody = body != null;
  if (!hasJson && !hasBody) return NO_BODY;
  if (hasJson && hasBody) throw optionError("json", 'and "body" cannot be used together');
  if (method === "GET" || method === "HEAD") throw optionError(hasJson ? "json" : "body", `cannot be used with ${method}`);
  if (hasJson) {
    let text: string | undefined;
    let why: string = typeof json; // JSON.stringify gives undefined for a function, a symbol...
    try {
      text = JSON.stringify(json);
    } catch (error) {
      why = (error as Error).message; // ...and throws for a BigInt or a cycle
    }
    if (text === undefined) throw optionError("json", `cannot be serialised: ${why}`);
    return { body: text, replayable: true, stream: false };
  }
  if (isReplayable(body)) return { body: body as BodyInit, replayable: true, stream: false };
  if (body instanceof ReadableStream) return { body, replayable: false, stream: true };
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function") {
    return { body: iterableStream(body as AsyncIterable<unknown>), replayable: false, stream: true };
  }
  throw optionError("body", `cannot be ${describe(body)}: use a string, Blob, ArrayBuffer, typed array, FormData, URLSearchParams or ReadableStream${isPlainObject(body) ? ", or json: to send it as JSON" : ""}`);
}

/** Bodies fetch sends the same way every time. */
function isReplayable(body: unknown): boolean {
  return (
    typeof body === "string" ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    (typeof Blob !== "undefined" && body instanceof Blob) ||
    (typeof FormData !== "undefined" && body instanceof FormData) ||
    body instanceof URLSearchParams
  );
}

function isPlainObject(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null || Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (isPlainObject(value)) return "a plain object";
  return typeof value === "object" ? `a ${(value as object).constructor?.name ?? "object"}` : `a ${typeof value}`;
}

/** An async iterable of chunks (Node's fetch takes one with duplex) as a ReadableStream, in every runtime. */
function iterableStream(source: AsyncIterable<unknown>): ReadableStream<Uint8Array> {
  let it: AsyncIterator<unknown> | undefined;
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      it ??= source[Symbol.asyncIterator]();
      const { done, value } = await it.next();
      if (done) return controller.close();
      if (typeof value === "string") controller.enqueue(encoder.encode(value));
      else if (value instanceof Uint8Array) controller.enqueue(value);
      else if (ArrayBuffer.isView(value)) controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      else if (value instanceof ArrayBuffer) controller.enqueue(new Uint8Array(value));
      else controller.error(optionError("body", "yielded a chunk that is not a string or bytes"));
    },
    async cancel(reason) {
      await it?.return?.(reason);
    },
  });
}
