/**
 * What `close()` reaches: every attempt and backoff sleep in flight of a client and of its
 * `extend()` children. It creates no AbortController up front, so a client can be made at a
 * module's top level where workerd forbids one (the default `tierfetch` client).
 */
import { TierfetchError, type ErrorDetails } from "./errors/tierfetch-error.js";

/** Anything close() can abort: an attempt's AbortController, a sleep. */
export interface Abortable {
  abort(reason?: unknown): void;
}

export class Closer {
  /** The ERR_CLOSED error every aborted operation was aborted with, once closed. */
  #reason: TierfetchError | undefined;
  readonly #inflight = new Set<Abortable>();
  readonly #parent: Closer | undefined;

  constructor(parent?: Closer) {
    this.#parent = parent;
  }

  /** The close reason of this client or of an ancestor, if one was closed. */
  get closedWith(): TierfetchError | undefined {
    for (let c: Closer | undefined = this; c; c = c.#parent) if (c.#reason) return c.#reason;
    return undefined;
  }

  /** Tracks `op` until `release` is called; aborts it at once when already closed. Returns false then. */
  track(op: Abortable): boolean {
    const closed = this.closedWith;
    if (closed) {
      op.abort(closed);
      return false;
    }
    // Registered up the chain: closing a parent reaches its children's operations.
    for (let c: Closer | undefined = this; c; c = c.#parent) c.#inflight.add(op);
    return true;
  }

  release(op: Abortable): void {
    for (let c: Closer | undefined = this; c; c = c.#parent) c.#inflight.delete(op);
  }

  close(): void {
    if (this.#reason) return;
    const reason = (this.#reason = closedError());
    for (const op of this.#inflight) op.abort(reason);
    this.#inflight.clear();
  }
}

/** The error of an operation cut (or refused) by close(). */
export function closedError(details?: ErrorDetails): TierfetchError {
  return new TierfetchError("the client was closed", "ERR_CLOSED", details);
}

/** True for the reason close() aborts with. */
export function isCloseReason(reason: unknown): boolean {
  return reason instanceof TierfetchError && reason.code === "ERR_CLOSED";
}
