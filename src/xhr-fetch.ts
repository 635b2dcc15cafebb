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

const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/** fetch(input, init) on XMLHttpRequest, with upload progress events. */
export async function xhrFetch(input: Request | string | URL, init: XhrFetchInit = {}): Promise<Response> {
  const request = typeof input === "object" && "method" in input ? input : undefined;
  const url = request ? request.url : String(input);
  const method = (init.method ?? request?.method ?? "GET").toUpperCase();
  const signal = init.signal ?? request?.signal ?? undefined;
  const credentials = init.credentials ?? request?.credentials ?? "same-origin";
  const redirect = init.redirect ?? request?.redirect ?? "follow";
  const headers = new Headers(init.headers ?? request?.headers);
  if (redirect !== "follow") throw new TypeError(`xhrFetch: redirect "${redirect}" is not supported (XMLHttpRequest always follows redirects)`);
  let body: XMLHttpRequestBodyInit | null = (init.body as XMLHttpRequestBodyInit | null | undefined) ?? null;
  // A Request's body (Firefox has no Request.body: read it whole, whatever the browser).
  if (init.body === undefined && request && method !== "GET" && method !== "HEAD") {
    const blob = await request.blob();
    if (blob.size) body = blob;
  }
  if (typeof ReadableStream !== "undefined" && body instanceof ReadableStream) {
    throw new TypeError("xhrFetch: a ReadableStream body cannot be sent through XMLHttpRequest; pass the bytes, a Blob or a string");
  }
  if (body !== null && (method === "GET" || method === "HEAD")) throw new TypeError(`xhrFetch: a ${method} request cannot have a body`);
  if (signal?.aborted) throw signal.reason;

  return new Promise<Response>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    let settled = false;
    let sink: ReadableStreamDefaultController<Uint8Array> | undefined;
    let streamDone = false;
    let seen = 0;

    const cleanup = () => signal?.removeEventListener("abort", onAbort);
    const failBody = (error: unknown) => {
      if (sink && !streamDone) {
        streamDone = true;
        try {
          sink.error(error);
        } catch {
          /* already closed */
        }
      }
    };
    const fail = (error: unknown) => {
      cleanup();
      if (!settled) {
        settled = true;
        reject(error);
      } else failBody(error);
    };
    function onAbort() {
      xhr.abort();
      fail(signal!.reason);
    }
    signal?.addEventListener("abort", onAbort, { once: true });

    // The bytes that arrived since the last call (x-user-defined: char code & 0xff is the byte).
    const flush = () => {
      if (!sink || streamDone) return;
      const text = xhr.responseText;
      if (text.length <= seen) return;
      const chunk = new Uint8Array(text.length - seen);
      for (let i = 0; i < chunk.length; i++) chunk[i] = text.charCodeAt(seen + i) & 0xff;
      seen = text.length;
      sink.enqueue(chunk);
    };

    const respond = () => {
      if (settled) return;
      settled = true;
      const status = xhr.status;
      const nullBody = method === "HEAD" || NULL_BODY_STATUSES.has(status);
      const stream = nullBody
        ? null
        : new ReadableStream<Uint8Array>({
            start(controller) {
              sink = controller;
            },
            cancel() {
              streamDone = true;
              cleanup();
              xhr.abort();
            },
          });
      let response: Response;
      try {
        response = new Response(stream, { status, statusText: xhr.statusText, headers: parseHeaders(xhr.getAllResponseHeaders()) });
      } catch (error) {
        xhr.abort();
        cleanup();
        reject(new TypeError(`xhrFetch: the response (status ${status}) cannot be represented: ${(error as Error).message}`));
        return;
      }
      const finalUrl = xhr.responseURL || url;
      Object.defineProperty(response, "url", { value: finalUrl });
      if (xhr.responseURL && xhr.responseURL !== new URL(url, globalThis.location?.href).href) {
        Object.defineProperty(response, "redirected", { value: true });
      }
      resolve(response);
    };

    xhr.onreadystatechange = () => {
      if (xhr.readyState === XMLHttpRequest.HEADERS_RECEIVED && xhr.status !== 0) respond();
    };
    xhr.onprogress = flush;
    xhr.onload = () => {
      cleanup();
      if (xhr.status === 0) return fail(new TypeError("xhrFetch: network error"));
      respond();
      flush();
      if (sink && !streamDone) {
        streamDone = true;
        sink.close();
      }
    };
    xhr.onerror = () => fail(new TypeError("xhrFetch: network error (the request failed, was blocked by CORS, or the connection dropped)"));
    xhr.ontimeout = () => fail(new TypeError("xhrFetch: the request timed out"));

    const onProgress = init.onUploadProgress;
    if (onProgress && body !== null) {
      let last = -1;
      let lastTotal: number | undefined;
      const report = (loaded: number, total: number | undefined) => {
        if (loaded <= last && total === lastTotal) return;
        last = loaded;
        lastTotal = total;
        onProgress({ loaded, total, percent: total ? Math.min(100, (loaded / total) * 100) : undefined });
      };
      xhr.upload.onprogress = (event) => report(event.loaded, event.lengthComputable ? event.total : undefined);
      // The final event is always 100 %, whatever the last progress event said.
      xhr.upload.onload = () => {
        const size = bodySize(body) ?? (last >= 0 ? last : 0);
        report(Math.max(size, last), Math.max(size, last));
      };
    }

    try {
      xhr.open(method, url, true);
      xhr.overrideMimeType("text/plain; charset=x-user-defined");
      xhr.withCredentials = credentials === "include";
      headers.forEach((value, name) => xhr.setRequestHeader(name, value));
      xhr.send(body);
    } catch (error) {
      fail(error instanceof TypeError ? error : new TypeError(`xhrFetch: ${(error as Error).message}`));
    }
  });
}

/** The byte size of a body XHR sends, where it can be known. */
function bodySize(body: XMLHttpRequestBodyInit | null): number | undefined {
  if (body === null) return 0;
  if (typeof body === "string") return new TextEncoder().encode(body).byteLength;
  if (body instanceof Blob) return body.size;
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return body.byteLength;
  if (body instanceof URLSearchParams) return new TextEncoder().encode(body.toString()).byteLength;
  return undefined; // FormData: the browser chooses the boundary
}

/** Headers from getAllResponseHeaders()' text (`name: value` lines); bad lines are skipped. */
function parseHeaders(text: string): Headers {
  const headers = new Headers();
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(":");
    if (at <= 0) continue;
    try {
      headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
    } catch {
      /* a header the Headers class refuses */
    }
  }
  return headers;
}
