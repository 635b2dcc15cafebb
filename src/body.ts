import { optionError } from "./option-error.js";
/** Encoding a request body from `json` or `body`, and whether it can be sent again. */

/** A request body ready for fetch. */
export interface EncodedBody {
  body: BodyInit | undefined;
  /** Content-Type to set when the caller gave none. */
  contentType: string | undefined;
  /** False for a ReadableStream: sent once, never retried. */
  replayable: boolean;
  /** True for a ReadableStream (needs `duplex: "half"`). */
  stream: boolean;
}

const NO_BODY: EncodedBody = { body: undefined, contentType: undefined, replayable: true, stream: false };

/** Encodes `json` or `body`; rejects both at once, unserialisable JSON and a body on GET/HEAD. */
export function encodeBody(method: string, json: unknown, body: BodyInit | ArrayBufferView | null | undefined): EncodedBody {
  const hasJson = json !== undefined;
  const hasBody = body !== undefined && body !== null;
  if (!hasJson && !hasBody) return NO_BODY;
  if (hasJson && hasBody) throw optionError("json", 'and "body" cannot be used together');
  if (method === "GET" || method === "HEAD") {
    throw optionError(hasJson ? "json" : "body", `cannot be used with ${method}`);
  }
  if (hasJson) {
    let text: string | undefined;
    try {
      text = JSON.stringify(json);
    } catch (error) {
      throw optionError("json", `cannot be serialised: ${(error as Error).message}`);
    }
    if (text === undefined) throw optionError("json", `cannot be serialised: ${typeof json}`);
    return { body: text, contentType: "application/json", replayable: true, stream: false };
  }
  if (typeof ReadableStream !== "undefined" && body instanceof ReadableStream) {
    if (!supportsRequestStreams()) {
      throw optionError("body", "cannot be a ReadableStream: this runtime's fetch cannot stream uploads (it would send \"[object ReadableStream]\")");
    }
    return { body, contentType: undefined, replayable: false, stream: true };
  }
  return { body: body as BodyInit, contentType: undefined, replayable: true, stream: false };
}

let streamsSupported: boolean | undefined;

/**
 * Whether `fetch` can send a ReadableStream body. Firefox turns one into the text
 * "[object ReadableStream]" without an error: a Request built from a stream then reads the
 * `duplex` option never, and gets a text/plain Content-Type.
 */
export function supportsRequestStreams(): boolean {
  if (streamsSupported === undefined) {
    try {
      let duplexRead = false;
      const request = new Request("http://127.0.0.1/", {
        method: "POST",
        body: new ReadableStream(),
        get duplex() {
          duplexRead = true;
          return "half";
        },
      } as RequestInit);
      // Chromium reads `duplex`; Deno, Bun and workerd stream without reading it. What gives
      // Firefox away is the text/plain Content-Type of the stringified stream.
      void duplexRead;
      streamsSupported = !request.headers.has("content-type");
      void request.body?.cancel().catch(() => {});
    } catch {
      streamsSupported = false;
    }
  }
  return streamsSupported;
}
