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

/** fetch(input, init) on XMLHttpRequest, with upload progress events. */
export async function xhrFetch(input: Request | string | URL, init: XhrFetchInit = {}): Promise<Response> {
  const request = input instanceof Request ? input : undefined;
  const url = request ? request.url : String(input);
  const method = (init.method ?? request?.method ?? "GET").toUpperCase();
  const signal = init.signal ?? request?.signal;
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
  if (signal?.aborted) throw signal.reason;

  return new Promise<Response>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    let settled = false;
    let sink: ReadableStreamDefaultController<Uint8Array> | undefined;
    let seen = 0;

    const cleanup = () => signal?.removeEventListener("abort", onAbort);
    // Before the head: the promise rejects; after: the body (if still open) errors.
    const fail = (error: unknown) => {
      cleanup();
      if (!settled) reject(error);
      try {
        sink?.error(error);
      } catch {
        /* closed */
      }
      settled = true;
      sink = undefined;
    };
    function onAbort() {
      xhr.abort();
      fail(signal!.reason);
    }
    signal?.addEventListener("abort", onAbort, { once: true });

    // The bytes that arrived since the last call (x-user-defined: char code & 0xff is the byte).
    const flush = () => {
      const text = xhr.responseText;
      if (!sink || text.length <= seen) return;
      const chunk = new Uint8Array(text.length - seen);
      for (let i = 0; i < chunk.length; i++) chunk[i] = text.charCodeAt(seen + i) & 0xff;
      seen = text.length;
      sink.enqueue(chunk);
    };

    const respond = () => {
      if (settled) return;
      settled = true;
      const status = xhr.status;
      const stream =
        method === "HEAD" || NULL_BODY_STATUSES.includes(status)
          ? null
          : new ReadableStream<Uint8Array>({
              start: (controller) => void (sink = controller),
              cancel() {
                sink = undefined;
                cleanup();
                xhr.abort();
              },
            });
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
        response = new Response(stream, { status, statusText: xhr.statusText, headers });
      } catch {
        settled = false; // a status no Response can carry
        xhr.abort();
        return fail(networkError());
      }
      const final = xhr.responseURL;
      Object.defineProperty(response, "url", { value: final || url });
      if (final && final !== new URL(url, globalThis.location?.href).href) Object.defineProperty(response, "redirected", { value: true });
      resolve(response);
    };

    xhr.onreadystatechange = () => {
      if (xhr.readyState === 2 && xhr.status) respond();
    };
    xhr.onprogress = flush;
    xhr.onload = () => {
      cleanup();
      respond();
      flush();
      sink?.close();
      sink = undefined;
    };
    xhr.onerror = xhr.ontimeout = () => fail(networkError());

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
      // The browser's last progress event is the whole body; should it be missing, say 100 %.
      xhr.upload.onload = () => {
        if (last >= 0) report(lastTotal ?? last, lastTotal ?? last);
      };
    }

    try {
      xhr.open(method, url);
      xhr.overrideMimeType("text/plain; charset=x-user-defined");
      xhr.withCredentials = (init.credentials ?? request?.credentials) === "include";
      new Headers(init.headers ?? request?.headers).forEach((value, name) => xhr.setRequestHeader(name, value));
      xhr.send(body);
    } catch (error) {
      fail(error instanceof TypeError ? error : networkError());
    }
  });
}
