/**
 * `xhrFetch`: a fetch-compatible function on XMLHttpRequest, for the one thing fetch cannot do in
 * a browser over HTTP/1.1: report upload progress as the body goes out. Used only when
 * `onUploadProgress` is set and the runtime cannot stream uploads (browsers).
 *
 * - Resolves when the response head arrives, with a real `Response` (status, statusText,
 *   headers from getAllResponseHeaders(), `url` = responseURL, `redirected`), whose body
 *   streams as the bytes arrive (read as x-user-defined text, one byte per char code).
 * - Rejects like fetch: `init.signal` aborted → its `reason` (also while the body is read,
 *   which then errors with it); a network or CORS failure → a `TypeError`.
 * - `credentials: "include"` sets withCredentials; "omit" cannot be honoured for a same-origin
 *   request (XHR always sends cookies there). `redirect` other than "follow" is a TypeError
 *   (XHR always follows).
 * - Upload listeners make a cross-origin request "non-simple": the browser sends a CORS
 *   preflight first, even for a POST that fetch would send without one.
 */

/** Upload progress, as `onUploadProgress` receives it. */
export interface XhrUploadProgress {
  loaded: number;
  total: number | undefined;
  percent: number | undefined;
}

/** RequestInit plus the upload progress callback. */
export type XhrFetchInit = RequestInit & { onUploadProgress?: (p: XhrUploadProgress) => void };

const NULL_BODY_STATUSES = [204, 205, 304];
const networkError = () => new TypeError("xhrFetch: network error (failed, blocked by CORS, or dropped)");

/** What one request sends, read from the input and init as fetch would. */
interface XhrRequest {
  url: string;
  method: string;
  headers: Headers;
  body: XMLHttpRequestBodyInit | null;
  signal: AbortSignal | null | undefined;
  withCredentials: boolean;
}

/** fetch(input, init) on XMLHttpRequest, with upload progress events. */
export async function xhrFetch(input: Request | string | URL, init: XhrFetchInit = {}): Promise<Response> {
  const request = await readRequest(input, init);
  if (request.signal?.aborted) throw request.signal.reason;
  return send(request, init.onUploadProgress);
}

/** The request's parts; a TypeError for what XHR cannot send (as fetch rejects bad input). */
async function readRequest(input: Request | string | URL, init: XhrFetchInit): Promise<XhrRequest> {
  const request = input instanceof Request ? input : undefined;
  const method = (init.method ?? request?.method ?? "GET").toUpperCase();
  const redirect = init.redirect ?? request?.redirect ?? "follow";
  const bodyless = method === "GET" || method === "HEAD";
  if (redirect !== "follow") throw new TypeError(`xhrFetch: redirect "${redirect}" is not supported (XMLHttpRequest always follows)`);
  let body = (init.body ?? null) as XMLHttpRequestBodyInit | null;
  // A Request's body, read whole (Firefox has no Request.body).
  if (init.body === undefined && request && !bodyless) {
    const blob = await request.blob();
    if (blob.size) body = blob;
  }
  if (body instanceof ReadableStream) throw new TypeError("xhrFetch: a ReadableStream body cannot be sent; pass bytes, a Blob or a string");
  if (body !== null && bodyless) throw new TypeError(`xhrFetch: a ${method} request cannot have a body`);
  return {
    url: request ? request.url : String(input),
    method,
    headers: new Headers(init.headers ?? request?.headers),
    body,
    signal: init.signal ?? request?.signal,
    withCredentials: (init.credentials ?? request?.credentials) === "include",
  };
}

/** Sends it; resolves at the response head, the body streaming on. */
function send(request: XhrRequest, onProgress: XhrFetchInit["onUploadProgress"]): Promise<Response> {
  const { signal, method } = request;
  return new Promise<Response>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    let settled = false;
    const cleanup = () => signal?.removeEventListener("abort", onAbort);
    const body = new StreamedBody(xhr, cleanup);
    // Before the head the promise rejects; after it the body (if still open) errors.
    const fail = (error: unknown) => {
      cleanup();
      if (!settled) reject(error);
      settled = true;
      body.error(error);
    };
    function onAbort() {
      xhr.abort();
      fail(signal!.reason);
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    const respond = () => {
      if (settled) return;
      settled = true;
      const response = responseOf(xhr, request.url, method === "HEAD" || NULL_BODY_STATUSES.includes(xhr.status) ? null : body.stream());
      if (response) return resolve(response);
      settled = false;
      xhr.abort();
      fail(networkError());
    };
    xhr.onreadystatechange = () => {
      if (xhr.readyState === 2 && xhr.status) respond();
    };
    xhr.onprogress = () => body.flush();
    xhr.onload = () => {
      cleanup();
      respond();
      body.close();
    };
    xhr.onerror = xhr.ontimeout = () => fail(networkError());
    if (onProgress && request.body !== null) watchUpload(xhr, onProgress);
    try {
      xhr.open(method, request.url);
      xhr.overrideMimeType("text/plain; charset=x-user-defined");
      xhr.withCredentials = request.withCredentials;
      request.headers.forEach((value, name) => xhr.setRequestHeader(name, value));
      xhr.send(request.body);
    } catch (error) {
      fail(error instanceof TypeError ? error : networkError());
    }
  });
}

/** The response body as a stream fed from responseText (x-user-defined: char code & 0xff is the byte). */
class StreamedBody {
  #sink: ReadableStreamDefaultController<Uint8Array> | undefined;
  #seen = 0;
  constructor(
    private readonly xhr: XMLHttpRequest,
    private readonly onCancel: () => void,
  ) {}

  stream(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      start: (controller) => void (this.#sink = controller),
      cancel: () => {
        this.#sink = undefined;
        this.onCancel();
        this.xhr.abort();
      },
    });
  }

  /** Enqueues the bytes that arrived since the last call. */
  flush(): void {
    const text = this.xhr.responseText;
    if (!this.#sink || text.length <= this.#seen) return;
    const chunk = new Uint8Array(text.length - this.#seen);
    for (let i = 0; i < chunk.length; i++) chunk[i] = text.charCodeAt(this.#seen + i) & 0xff;
    this.#seen = text.length;
    this.#sink.enqueue(chunk);
  }

  close(): void {
    this.flush();
    this.#sink?.close();
    this.#sink = undefined;
  }

  error(error: unknown): void {
    try {
      this.#sink?.error(error);
    } catch {
      /* closed */
    }
    this.#sink = undefined;
  }
}

/** The Response of the head received (undefined for a status no Response can carry). */
function responseOf(xhr: XMLHttpRequest, url: string, body: ReadableStream<Uint8Array> | null): Response | undefined {
  const headers = new Headers();
  for (const line of xhr.getAllResponseHeaders().split("\r\n")) {
    const at = line.indexOf(":");
    try {
      if (at > 0) headers.append(line.slice(0, at), line.slice(at + 1).trim());
    } catch {
      /* a header the Headers class refuses */
    }
  }
  let response: Response;
  try {
    response = new Response(body, { status: xhr.status, statusText: xhr.statusText, headers });
  } catch {
    return undefined;
  }
  const final = xhr.responseURL;
  Object.defineProperty(response, "url", { value: final || url });
  if (final && final !== new URL(url, globalThis.location?.href).href) Object.defineProperty(response, "redirected", { value: true });
  return response;
}

/** Reports upload progress: increasing, with the total, ending at 100 %. */
function watchUpload(xhr: XMLHttpRequest, onProgress: (p: XhrUploadProgress) => void): void {
  let last = -1;
  let lastTotal: number | undefined;
  const report = (loaded: number, total: number | undefined) => {
    if (loaded <= last && total === lastTotal) return;
    last = loaded;
    lastTotal = total;
    onProgress({ loaded, total, percent: total ? Math.min(100, (loaded / total) * 100) : undefined });
  };
  xhr.upload.onprogress = (event) => report(event.loaded, event.lengthComputable ? event.total : undefined);
  // The browser's last progress event is the whole body; should it be missing, say 100 %.
  xhr.upload.onload = () => {
    if (last >= 0) report(lastTotal ?? last, lastTotal ?? last);
  };
}
