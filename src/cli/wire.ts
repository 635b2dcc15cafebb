/// <reference types="node" />
/**
 * -v: the request head as Node's fetch (undici) wrote it on the socket, read from undici's
 * `undici:client:sendHeaders` diagnostics channel, so the headers fetch adds itself (Host,
 * Accept-Encoding, Content-Type of a string body...) show too. Node 18.17+, 20 and 22 publish it.
 */
import { channel } from "node:diagnostics_channel";

export interface SentHead {
  method: string;
  url: string;
  headers: [string, string][];
}

interface SendHeadersMessage {
  request: { method: string; origin: string | URL; path: string };
  headers: string;
}

/** Calls `onSent` for each request head written until the returned function is called. */
export function watchWire(onSent: (head: SentHead) => void): () => void {
  const ch = channel("undici:client:sendHeaders");
  const listener = (message: unknown) => {
    const { request, headers } = message as SendHeadersMessage;
    onSent({ method: request.method, url: `${String(request.origin).replace(/\/$/, "")}${request.path}`, headers: parseHead(headers) });
  };
  ch.subscribe(listener);
  return () => ch.unsubscribe(listener);
}

/** `GET /x HTTP/1.1\r\nhost: h\r\n...`: the header lines after the request line. */
function parseHead(head: string): [string, string][] {
  const out: [string, string][] = [];
  for (const line of head.split("\r\n").slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) out.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return out;
}
