/// <reference types="node" />
/** A one-line download progress bar redrawn on stderr (only used when stderr is a terminal). */
import type { Colors } from "./colors.js";
import { formatBytes, formatMs } from "./format.js";

export interface ProgressInfo {
  loaded: number;
  total: number | undefined;
  percent: number | undefined;
}

const REDRAW_EVERY_MS = 80;

export class ProgressBar {
  #drawn = false;
  #lastDraw = 0;
  #started = performance.now();
  #last: ProgressInfo | undefined;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly c: Colors,
  ) {}

  update(p: ProgressInfo): void {
    this.#last = p;
    const now = performance.now();
    const finished = p.total !== undefined && p.loaded >= p.total;
    if (!finished && now - this.#lastDraw < REDRAW_EVERY_MS) return;
    this.#lastDraw = now;
    this.#draw(p, now);
  }

  /** Takes the bar off the screen (before another line is printed, or at the end). */
  clear(): void {
    if (!this.#drawn) return;
    this.stream.write("\r\x1b[2K");
    this.#drawn = false;
  }

  /** Draws the last state again after a line was printed over it. */
  redraw(): void {
    if (this.#last) this.#draw(this.#last, performance.now());
  }

  #draw(p: ProgressInfo, now: number): void {
    const elapsed = Math.max(now - this.#started, 1);
    const rate = (p.loaded / elapsed) * 1000;
    const width = Math.max(this.stream.columns ?? 80, 40);
    let text: string;
    if (p.total !== undefined && p.total > 0) {
      const fraction = Math.min(p.loaded / p.total, 1);
      const pct = `${Math.floor(p.percent ?? fraction * 100)}%`.padStart(4);
      const eta = rate > 0 && fraction < 1 ? `  eta ${formatMs(((p.total - p.loaded) / rate) * 1000)}` : "";
      const tail = ` ${formatBytes(p.loaded)} / ${formatBytes(p.total)}  ${formatBytes(rate)}/s${eta}`;
      const barWidth = Math.max(width - pct.length - tail.length - 4, 10);
      const full = Math.round(fraction * barWidth);
      text = `${pct} ${this.c.dim("[")}${this.c.cyan("=".repeat(full))}${" ".repeat(barWidth - full)}${this.c.dim("]")}${tail}`;
    } else {
      text = `${formatBytes(p.loaded)}  ${formatBytes(rate)}/s  ${formatMs(elapsed)}`;
    }
    this.stream.write(`\r\x1b[2K${text}`);
    this.#drawn = true;
  }
}
