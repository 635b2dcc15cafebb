/// <reference types="node" />
/**
 * Everything the CLI says on stderr: request and response headers (-v), the status line,
 * retries as they happen, the saved-file note and the final error. Secrets are masked here,
 * once, for every line.
 */
import type { Colors } from "./colors.js";
import { formatBytes, formatMs } from "./format.js";
import type { ProgressBar } from "./progress.js";
import { maskSecrets, secretValues } from "../security/secrets.js";
import { redactUrl } from "../security/redact.js";
import { showHeaderValue } from "./shown-header.js";

export interface ReporterOptions {
  verbose: boolean;
  quiet: boolean;
  /** curl's -s: not even the error line. */
  silent: boolean;
  /** Values that must never be printed (the token, a password). */
  secrets: string[];
}

export class Reporter {
  progress: ProgressBar | undefined;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    readonly c: Colors,
    private readonly options: ReporterOptions,
  ) {}

  get verbose(): boolean {
    return this.options.verbose;
  }

  /**
   * A request goes to `url` (a redirect hop, a retry): its secret query values are masked from
   * here on too, in a status line or an error that echoes them.
   */
  sending(url: string): void {
    const { secrets } = this.options;
    const added = secretValues({}, url).filter((value) => !secrets.includes(value));
    if (!added.length) return;
    secrets.push(...added);
    // Longest first, as maskSecrets needs: a value that contains another is masked whole.
    secrets.sort((a, b) => b.length - a.length);
  }

  /** One line on stderr; the progress bar, if shown, is lifted off and put back. */
  line(text: string): void {
    this.progress?.clear();
    this.stream.write(`${maskSecrets(text, this.options.secrets)}\n`);
    this.progress?.redraw();
  }

  /** -v: a request head as sent by attempt `attempt` (1-based), secret values masked. */
  request(method: string, url: string, headers: Iterable<[string, string]>, attempt: number): void {
    if (!this.options.verbose) return;
    const c = this.c;
    const lines = [`${c.dim(">")} ${c.bold(method)} ${redactUrl(url)}${attempt > 1 ? c.dim(`  (attempt ${attempt})`) : ""}`];
    for (const [name, value] of headers) lines.push(`${c.dim(">")} ${c.cyan(name)}: ${showHeaderValue(name, value)}`);
    lines.push(c.dim(">"));
    this.line(lines.join("\n"));
  }

  /** -v: a response's status and headers, as soon as they arrive. */
  response(res: Response, ms: number): void {
    if (!this.options.verbose) return;
    const c = this.c;
    const lines = [`${c.dim("<")} ${this.#status(res)} ${c.dim(`(${formatMs(ms)})`)}`];
    res.headers.forEach((value, name) => lines.push(`${c.dim("<")} ${c.cyan(name)}: ${showHeaderValue(name, value)}`));
    lines.push(c.dim("<"));
    this.line(lines.join("\n"));
  }

  /** Without -v: one status line for the final response, e.g. `HTTP 200 OK  application/json · 1.2 kB · 35 ms`. */
  status(res: Response, ms: number, size?: number): void {
    if (this.options.quiet || this.options.verbose) return;
    const length = size ?? (/^\d+$/.test(res.headers.get("content-length") ?? "") ? Number(res.headers.get("content-length")) : undefined);
    const facts = [res.headers.get("content-type")?.split(";")[0], length === undefined ? undefined : formatBytes(length), formatMs(ms)].filter(Boolean);
    this.line(`${this.#status(res)}  ${this.c.dim(facts.join(" · "))}`);
  }

  /** The response headers on their own (HEAD without -v: they are the whole answer). */
  headers(res: Response): void {
    if (this.options.quiet || this.options.verbose) return;
    const lines: string[] = [];
    res.headers.forEach((value, name) => lines.push(`${this.c.cyan(name)}: ${showHeaderValue(name, value)}`));
    if (lines.length) this.line(lines.join("\n"));
  }

  retry(n: number, max: number | undefined, delay: number, reason: string): void {
    if (this.options.quiet) return;
    this.line(this.c.yellow(`retry ${n}${max === undefined ? "" : `/${max}`} in ${formatMs(delay)}: ${reason}`));
  }

  /** An informational line (not shown with -q). */
  note(text: string): void {
    if (!this.options.quiet) this.line(this.c.dim(text));
  }

  /** The one error line, shown unless -s. */
  error(message: string): void {
    if (this.options.silent) return;
    this.line(`${this.c.red(this.c.bold("tierfetch:"))} ${message}`);
  }

  #status(res: Response): string {
    const text = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}`;
    const c = this.c;
    const paint = res.status >= 500 ? c.red : res.status >= 400 ? c.yellow : res.status >= 300 ? c.cyan : c.green;
    return c.bold(paint(text));
  }
}
