/**
 * `onUploadProgress`: the request body sent as a counted stream, where the runtime can stream
 * an upload (Node, Deno, Bun, workerd, edge-runtime). Browsers are left out: Chromium streams
 * an upload only over HTTP/2 and Firefox not at all, so there the body is sent as it is and a
 * single 100 % event is reported once the response has started (the body was sent).
 */
import type { Progress } from "../options/progress.js";
import { IN_BROWSER } from "./runtime.js";
import { supportsRequestStreams } from "./stream-uploads.js";
import { xhrFetch } from "./xhr-fetch.js";

/** A body serialised once, as fetch would send it, for every attempt to stream again. */
export interface SerialisedBody {
  bytes: Uint8Array;
  /** Content-Type the original body implies (a FormData boundary, a Blob's type...). */
  contentType: string | null;
}

const CHUNK = 64 * 1024;

/**
 * Serialises any replayable body (string, Blob, ArrayBuffer, typed array, FormData,
 * URLSearchParams) the way fetch would. Done once per call: a FormData gets one boundary, so
 * the Content-Type stays true on every attempt.
 */
export async function serialiseBody(body: BodyInit): Promise<SerialisedBody> {
  const request = new Request("http://upload.invalid/", { method: "POST", body });
  return { bytes: new Uint8Array(await request.arrayBuffer()), contentType: request.headers.get("content-type") };
}

/** The bytes as a stream that reports progress as the runtime pulls it. */
export function countedStream(bytes: Uint8Array, onProgress: (p: Progress) => void): ReadableStream<Uint8Array> {
  const total = bytes.byteLength;
  let loaded = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (loaded >= total) return controller.close();
        const chunk = bytes.subarray(loaded, Math.min(total, loaded + CHUNK));
        loaded += chunk.byteLength;
        controller.enqueue(chunk);
        onProgress({ loaded, total, percent: total ? (loaded / total) * 100 : 100 });
      },
    },
    { highWaterMark: 0 },
  );
}

/** True where a counted stream can be sent: the runtime streams uploads and is not a browser. */
export function canCountUploads(): boolean {
  return !IN_BROWSER && supportsRequestStreams();
}

/** The part of an attempt's request an upload changes: its body, and the Content-Type the serialised body implies. */
export interface UploadHop {
  body: BodyInit | undefined;
  headers: Record<string, string>;
}

/** What the attempt is doing the upload for. */
export interface UploadRequest {
  onUploadProgress: (p: Progress) => void;
  /** The client's own fetch, if any (then XMLHttpRequest is not used: a custom fetch is the caller's). */
  customFetch: boolean;
  /** The redirect mode: XMLHttpRequest can only follow. */
  redirect: unknown;
  /** The call's serialised body, shared by its attempts. */
  cache: { serialised?: Promise<SerialisedBody> };
  /** Waits within the attempt's bounds. */
  wait<T>(value: Promise<T>): T | Promise<T>;
}

/** How an attempt sends an upload: the fetch to use (XMLHttpRequest in a browser), or the size for the one 100 % event. */
export interface UploadPlan {
  fetch?: (input: string | Request, init?: RequestInit) => Promise<Response>;
  size?: number;
}

/**
 * Sets the hop's body to a counted stream of the body, serialised once per call. In a browser
 * XMLHttpRequest reports real progress (the runtime's fetch, redirects followed); elsewhere
 * where uploads cannot be streamed the body goes as it is, and its size is returned for the
 * one 100 % event sent when the response starts.
 */
export async function prepareUpload(hop: UploadHop, request: UploadRequest): Promise<UploadPlan> {
  const onUploadProgress = request.onUploadProgress;
  if (!canCountUploads()) {
    if (typeof XMLHttpRequest === "function" && !request.customFetch && (request.redirect ?? "follow") === "follow") {
      return { fetch: (input, init) => xhrFetch(input, { ...init, onUploadProgress }) };
    }
    const { bytes } = await request.wait((request.cache.serialised ??= serialiseBody(hop.body!)));
    return { size: bytes.byteLength };
  }
  const { bytes, contentType } = await request.wait((request.cache.serialised ??= serialiseBody(hop.body!)));
  hop.body = countedStream(bytes, onUploadProgress);
  if (contentType && hop.headers["content-type"] === undefined) hop.headers = { ...hop.headers, "content-type": contentType };
  return {};
}
