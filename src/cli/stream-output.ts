/**
 * --lines, --ndjson and --sse: each item written (and flushed) as it arrives. Into a pipe the
 * text is as sent; on a terminal JSON is coloured.
 */
import { checkEventStream } from "../pipeline/event-stream-check.js";
import { lines, sse } from "../index.js";
import type { Out } from "./body-output.js";
import { formatJson, isJson } from "./json-format.js";
import { isPretty } from "./output-style.js";

export async function printLines(out: Out, res: Response): Promise<number> {
  let count = 0;
  for await (const line of lines(res)) {
    await out.write(`${line}\n`);
    count++;
  }
  return count;
}

/**
 * NDJSON, one value per line, each checked with JSON.parse but printed from its own text
 * (numbers beyond 2^53 keep every digit); blank lines are dropped. Pretty: compact and coloured.
 */
export async function printNdjson(out: Out, res: Response): Promise<number> {
  let lineNo = 0;
  let count = 0;
  for await (const line of lines(res)) {
    lineNo++;
    if (line.trim() === "") continue;
    try {
      JSON.parse(line);
    } catch (error) {
      throw new SyntaxError(`NDJSON line ${lineNo} is not valid JSON (${(error as Error).message})`);
    }
    await out.write(`${isPretty(out.style) ? formatJson(line, 0, out.c) : line}\n`);
    count++;
  }
  return count;
}

/**
 * Server-Sent Events: each event's data as sent, then a newline (a JSON data field is a line
 * `jq` reads as is). On a terminal, an event's name and id go before it, dimmed, and JSON
 * data is coloured.
 */
export async function printSse(out: Out, res: Response): Promise<number> {
  expectEventStream(res);
  let count = 0;
  const pretty = isPretty(out.style);
  for await (const ev of sse(res)) {
    if (pretty && (ev.event !== "message" || ev.id)) await out.write(`${out.c.dim(`event: ${ev.event}${ev.id ? `  id: ${ev.id}` : ""}`)}\n`);
    await out.write(`${pretty && isJson(ev.data) ? formatJson(ev.data, 0, out.c) : ev.data}\n`);
    count++;
  }
  return count;
}

/**
 * A body that is not an event stream (a JSON error page, a mislabelled route) would print no
 * event and exit 0: refused by the library's rule, with a hint for the command line.
 */
function expectEventStream(res: Response): void {
  try {
    checkEventStream(res, undefined, false);
  } catch {
    const type = res.headers.get("content-type");
    throw new Error(`--sse expected text/event-stream but the content-type is ${type ? JSON.stringify(type.slice(0, 80)) : "missing"} (use --lines to see the body as it arrives)`);
  }
}
