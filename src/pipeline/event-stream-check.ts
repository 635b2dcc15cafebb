/**
 * `sse(p)` on a request whose response is not an event stream (the usual mistake: `stream: true`
 * forgotten, and a JSON body arrives) would yield no event and no error: it is refused, saying
 * what arrived. `{ anyContentType: true }` accepts a server that mislabels its stream.
 */
import { ParseError } from "../errors/parse-error.js";
import { noop } from "../resilience/timers.js";

/** Throws a ParseError (and cancels the body) unless the response is `text/event-stream`. */
export function checkEventStream(response: Response, request: Request | undefined, anyContentType: boolean | undefined): void {
  // A response without a body (204, 205, 304) has no content-type to check: it simply yields nothing.
  if (anyContentType || response.status === 204 || response.status === 205 || response.status === 304) return;
  const type = response.headers.get("content-type");
  if (type && /^\s*text\/event-stream\s*(?:;|$)/i.test(type)) return;
  response.body?.cancel().catch(noop);
  throw new ParseError(request, response, `sse() expected text/event-stream but the content-type is ${type ? JSON.stringify(type.slice(0, 80)) : "missing"} (use .json() for a JSON body, or sse(p, { anyContentType: true }) for a server that mislabels its stream)`);
}
