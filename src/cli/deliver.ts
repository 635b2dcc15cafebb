/// <reference types="node" />
/**
 * What the CLI does with the response: -i's head on stdout or the status line on stderr, a
 * redirect note, then the body to a file (-o), to stdout as the mode says, and for an HTTP
 * error, the head of its body.
 */
import { redactUrl } from "../security/redact.js";
import type { CliArgs } from "./args.js";
import { printBody, printBuffered, printHead, type Out } from "./body-output.js";
import { readErrorBodyHead } from "./error-body.js";
import { formatBytes, formatMs } from "./format.js";
import type { ProgressBar } from "./progress.js";
import type { Reporter } from "./report.js";
import { saveBody } from "./save.js";
import { printLines, printNdjson, printSse } from "./stream-output.js";

export interface Delivery {
  args: CliArgs;
  out: Out;
  reporter: Reporter;
  /** -o's resolved path. */
  file: string | undefined;
  bar: ProgressBar | undefined;
  /** performance.now() when the request started. */
  started: number;
}

export async function deliver(res: Response, d: Delivery): Promise<void> {
  const { args, out, reporter } = d;
  if (args.include) await printHead(out, res);
  else reporter.status(res, performance.now() - d.started);
  const location = redirectTarget(res, args.url);
  if (location) reporter.note(`redirect to ${redactUrl(location)}${args.follow ? "" : " (-L follows it)"}`);
  if (d.file !== undefined) return save(res, d, d.file);
  // A redirect not followed is shown as it is, whatever the mode: its body is not the stream asked for.
  if (location && args.mode !== "buffer") {
    await printBody(out, res);
    return;
  }
  if (args.mode === "lines") await printLines(out, res);
  else if (args.mode === "ndjson") await printNdjson(out, res);
  else if (args.mode === "sse") await printSse(out, res);
  else {
    if (args.method === "HEAD" && !args.include) reporter.headers(res);
    const { note } = await printBody(out, res);
    if (note) reporter.note(note);
  }
}

async function save(res: Response, d: Delivery, file: string): Promise<void> {
  d.reporter.progress = d.bar; // lines printed meanwhile (retries cannot happen now) lift the bar
  let size: number;
  try {
    size = await saveBody(res, file);
  } finally {
    d.bar?.clear();
    d.reporter.progress = undefined;
  }
  d.reporter.note(`saved ${formatBytes(size)} to ${file} in ${formatMs(performance.now() - d.started)}`);
}

/**
 * An error response's head (an API's error JSON is often the useful part) on stdout, unless
 * -f or -o: at most 64 KiB of it, the rest never read.
 */
export async function deliverErrorBody(response: Response | undefined, d: Delivery): Promise<void> {
  if (!response) return;
  const { args, out, reporter } = d;
  if (args.fail || args.output !== undefined) {
    await response.body?.cancel().catch(() => {});
    return;
  }
  if (args.include) await printHead(out, response);
  const head = await readErrorBodyHead(response);
  if (!head) return;
  const note = await printBuffered(out, head.bytes, response.headers.get("content-type"));
  if (note) reporter.note(note);
  if (head.cut) reporter.note(`only the first ${head.bytes.length} bytes of the error body shown`);
}

/** Where a 3xx points, resolved against the request URL (undefined: not a redirect, or no usable Location). */
function redirectTarget(res: Response, url: string): string | undefined {
  const location = res.status >= 300 && res.status < 400 ? res.headers.get("location") : null;
  if (location === null) return undefined;
  try {
    return new URL(location, url).href;
  } catch {
    return undefined;
  }
}
