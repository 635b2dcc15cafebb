/**
 * What `close()` reaches: every attempt and backoff sleep in flight of a client and of its
 * `extend()` children. It creates no AbortController up front, so a client can be made at a
 * module's top level where workerd forbids one (the default `tierfetch` client).
 */
import { TierfetchError, type ErrorDetails } from "../errors/tierfetch-error.js";

/** Anything close() can abort: an attempt's AbortController, a sleep. */
export interface Abortable {
  abort(reason?: unknown): void;
  /** Set while the operation is held weakly (see `holdWeakly`). */
  weak?: WeakRef<Abortable> | undefined;
  /**
   * Its neighbours in the in-flight list of the closer tracking it (written by that closer only):
   * an intrusive list, so tracking an operation allocates nothing and rehashes no Set.
   */
  prevOp?: Abortable | undefined;
  nextOp?: Abortable | undefined;
}

/** Dead weak references are swept once this many were added. */
const SWEEP_EVERY = 256;

export class Closer {
  /** The ERR_CLOSED error every aborted operation was aborted with, once closed. */
  #reason: TierfetchError | undefined;
  /** This client's own operations in flight, oldest first (linked through prevOp/nextOp). */
  #head: Abortable | undefined;
  #tail: Abortable | undefined;
  /** Operations of extend() children in flight (each is in its own closer's list). */
  readonly #inflight = new Set<Abortable>();
  /** Operations the caller holds (a body handed over): close() reaches them while they live, GC may take them. */
  readonly #weak = new Set<WeakRef<Abortable>>();
  #added = 0;
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
    this.#link(op);
    // Registered up the chain: closing a parent reaches its children's operations.
    for (let c = this.#parent; c; c = c.#parent) c.#inflight.add(op);
    return true;
  }

  #link(op: Abortable): void {
    const tail = this.#tail;
    op.prevOp = tail;
    op.nextOp = undefined;
    if (tail) tail.nextOp = op;
    else this.#head = op;
    this.#tail = op;
  }

  /** Takes `op` out of this closer's list; nothing when it is not in it. */
  #unlink(op: Abortable): void {
    const { prevOp, nextOp } = op;
    if (prevOp) prevOp.nextOp = nextOp;
    else if (this.#head === op) this.#head = nextOp;
    else return;
    if (nextOp) nextOp.prevOp = prevOp;
    else this.#tail = prevOp;
    op.prevOp = op.nextOp = undefined;
  }

  /**
   * Keeps tracking `op` only weakly: a Response whose body the caller never reads, then drops,
   * must not stay pinned (its buffers and socket) until close(). Where WeakRef is missing, it
   * stays tracked strongly.
   */
  holdWeakly(op: Abortable): void {
    if (typeof WeakRef !== "function" || op.weak) return;
    const ref = (op.weak = new WeakRef(op));
    this.#unlink(op);
    for (let c: Closer | undefined = this; c; c = c.#parent) {
      if (c !== this) c.#inflight.delete(op);
      c.#weak.add(ref);
      if (++c.#added % SWEEP_EVERY === 0) for (const r of c.#weak) if (!r.deref()) c.#weak.delete(r);
    }
  }

  release(op: Abortable): void {
    this.#unlink(op);
    const ref = op.weak;
    if (ref) this.#weak.delete(ref);
    for (let c = this.#parent; c; c = c.#parent) {
      c.#inflight.delete(op);
      if (ref) c.#weak.delete(ref);
    }
  }

  close(): void {
    if (this.#reason) return;
    const reason = (this.#reason = closedError());
    // One at a time from the head: an abort that releases other operations unlinks them first.
    for (let op = this.#head; op; op = this.#head) {
      this.#unlink(op);
      op.abort(reason);
    }
    for (const op of this.#inflight) op.abort(reason);
    for (const ref of this.#weak) ref.deref()?.abort(reason);
    this.#inflight.clear();
    this.#weak.clear();
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
