/** Encoding a request body from `json` or `body`, and whether it can be sent again. */
import { optionError } from "./option-error.js";

/**
 * Sets `init.body` from `json` or `body` (and `duplex` for a stream); rejects both at once,
 * unserialisable JSON and a body on GET/HEAD. Returns false for a body that cannot be sent
 * twice (a ReadableStream: sent once, never retried).
 */
export function encodeBody(init: RequestInit & { duplex?: "half" }, method: string, json: unknown, body: BodyInit | ArrayBufferView | null | undefined): boolean {
  const hasJson = json !== undefined;
  const hasBody = body != null;
  if (!hasJson && !hasBody) return true;
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
    init.body = text;
    return true;
  }
  init.body = body as BodyInit;
  if (!(body instanceof ReadableStream)) return true;
  // Whether this runtime's fetch can send it is asked before the first attempt (see runCall).
  init.duplex = "half";
  return false;
}
