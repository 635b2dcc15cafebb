/** Whether this runtime can stream an upload: asked lazily, on the first ReadableStream body. */

/**
 * Whether `fetch` can send a ReadableStream body (asked on each stream upload, a rare thing).
 * Firefox turns one into the text "[object ReadableStream]" without an error, and gives away
 * that it did with a text/plain Content-Type (Chromium reads `duplex`; Deno, Bun and workerd
 * stream without reading it).
 */
export function supportsRequestStreams(): boolean {
  try {
    return !new Request("http://127.0.0.1/", { method: "POST", body: new ReadableStream(), duplex: "half" } as RequestInit).headers.has("content-type");
  } catch {
    return false;
  }
}

let needDuplex: boolean | undefined;

/** Whether this runtime's fetch refuses a ReadableStream body without `duplex` (Node, Chromium do): asked once. */
export function streamsNeedDuplex(): boolean {
  if (needDuplex === undefined) {
    try {
      new Request("http://127.0.0.1/", { method: "POST", body: new ReadableStream() });
      needDuplex = false;
    } catch {
      needDuplex = true;
    }
  }
  return needDuplex;
}
