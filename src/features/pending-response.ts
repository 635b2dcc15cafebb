/**
 * The glue between a promise of a Response and a stream decoder: `lines(api.get(u))` reads
 * the response once it arrives. Leaving before the first item cancels the unread body.
 */
import type { ByteSource } from "../decode/source.js";
import { HOLD, type Holdable, type Resend } from "../pipeline/resend.js";
import { noop } from "../resilience/timers.js";

/** What the streaming readers take: bytes, or a promise of a Response (what a client's request returns). */
export type ResponseSource = ByteSource | PromiseLike<Response>;

/** True for a promise (not a Response, a stream or an async iterable, which the decoders read as they are). */
export function isPending(source: unknown): source is PromiseLike<Response> {
  return typeof (source as PromiseLike<unknown> | null)?.then === "function";
}

/**
 * Holds a client's request before it is sent (see ResponsePromise[HOLD]): refused, it is never
 * sent; `single`, it goes as one attempt. Undefined for a promise no client made.
 */
export function hold(source: PromiseLike<Response>, refused: TypeError | undefined, single: boolean): Resend | undefined {
  return isHoldable(source) ? source[HOLD](refused, single) : undefined;
}

/** True for a client's ResponsePromise (by its key: `instanceof` would bundle the client). */
export const isHoldable = (source: unknown): source is Promise<Response> & Holdable => typeof (source as Partial<Holdable> | null)?.[HOLD] === "function";

/**
 * An iterator over the response once it arrives: after the first `next()` every call goes
 * straight to the decoder. Leaving before the first item cancels the unread body.
 */
export function afterResponse<T>(source: PromiseLike<Response>, open: (response: Response) => AsyncIterableIterator<T>): AsyncIterableIterator<T> {
  const p = Promise.resolve(source);
  p.catch(noop); // the iterator's next() carries the failure
  let inner: AsyncIterableIterator<T> | undefined;
  let opening: Promise<AsyncIterableIterator<T>> | undefined;
  const opened = () => (opening ??= p.then((r) => (inner = open(r))));
  const done = (value?: unknown) => ({ done: true, value }) as IteratorReturnResult<T>;
  let closed = false;
  return {
    next: () => (inner ? inner.next() : closed ? Promise.resolve(done()) : opened().then((it) => it.next())),
    return: (value?: unknown) => {
      if (!opening) {
        closed = true;
        return p.then((r) => r.body?.cancel(), noop).then(() => done(value));
      }
      return opened().then((it) => (it.return ? it.return(value) : done(value)), () => done(value));
    },
    throw: (error?: unknown) => opened().then((it) => (it.throw ? it.throw(error) : Promise.reject(error))),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** An iterator that rejects its first `next()` with `error`. */
export function failing<T>(error: unknown): AsyncIterableIterator<T> {
  let failed = false;
  return {
    next: () => (failed ? Promise.resolve({ done: true, value: undefined }) : ((failed = true), Promise.reject(error))),
    return: (value?: unknown) => Promise.resolve({ done: true, value }),
    [Symbol.asyncIterator]() {
      return this;
    },
  } as AsyncIterableIterator<T>;
}
