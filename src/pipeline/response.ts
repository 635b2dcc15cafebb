/**
 * ResponsePromise: a real Promise of the standard Response with the buffered shortcuts
 * (`json`, `text`, `bytes`, `arrayBuffer`, `blob`). The request starts on the next microtask,
 * so a shortcut chained at once (`api.get(u).json()`) reads the body inside the attempt, where
 * the timeout and the retries cover it. Streaming reads are functions that take the promise
 * (`lines(p)`, `ndjson(p)`, `sse(p)`, features/), so a bundle holds only the ones it imports;
 * what they need of the promise is the symbol-keyed capability below.
 */
import { readData } from "./attempt.js";
import type { CallResult } from "./call.js";
import type { ReadMode } from "./plan.js";
import { noop } from "../resilience/timers.js";
import { ParseError } from "../errors/parse-error.js";
import { maskSecrets } from "../security/secrets.js";
import { HOLD, type Holdable, type Resend } from "./resend.js";
import { optionError } from "../options/option-error.js";

/** Starts the call in a mode; `single` sends one attempt (SSE reconnection does its own retrying). */
export type StartCall = (mode: ReadMode, single: boolean) => Promise<CallResult>;

const resolved = /* @__PURE__ */ Promise.resolve();

/** A Promise<Response> with `.json()`, `.text()`, `.bytes()`, `.blob()` and `.arrayBuffer()`. */
export class ResponsePromise<T = unknown> extends Promise<Response> {
  // then/catch/finally return plain Promises, not ResponsePromises.
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  /** How the call reads the body: "response" (the caller does) until a buffered shortcut asks first. */
  #mode: ReadMode = "response";
  #started = false;
  #single = false;
  #refused: TypeError | undefined;
  /** The call's outcome; read only by buffered shortcuts, which pass its rejection on. */
  #result!: Promise<CallResult>;
  #resend: Resend | undefined;

  /** @internal Starts `start` on the next microtask; `resend` is how the request can be sent again. */
  static start<T>(start: StartCall, resend?: Resend): ResponsePromise<T> {
    let resolve!: (r: Response) => void;
    let reject!: (e: unknown) => void;
    const p = new ResponsePromise<T>((a, b) => {
      resolve = a;
      reject = b;
    });
    p.#resend = resend;
    Object.defineProperty(p, HOLD, { value: p.#hold }); // not enumerable: console.log(p) shows no member of ours
    let settle!: (r: Promise<CallResult>) => void;
    (p.#result = new Promise<CallResult>((a) => (settle = a))).catch(noop);
    // A resolved promise rather than queueMicrotask: Node wraps each queued microtask in an async resource.
    void resolved.then(() => {
      p.#started = true;
      let run: Promise<CallResult>;
      try {
        run = p.#refused ? Promise.reject(p.#refused) : start(p.#mode, p.#single);
      } catch (error) {
        run = Promise.reject(error);
      }
      settle(run);
      run.then((r) => resolve(r.response), reject);
    });
    return p;
  }

  /**
   * @internal For a reader that decides before the request goes: when the call has not started,
   * it sends nothing and rejects with `refused`, or (`single`: a stream that does its own
   * retrying, SSE reconnection) sends one attempt. Returns how to send the request again. Set
   * by start() on the promises a client makes, not declared as a method: a class member keyed
   * by a symbol of our own is a side effect to a bundler, which would then keep this class (and
   * what it reaches) in every bundle of the package, a decoders-only app's too.
   */
  declare [HOLD]: Holdable[typeof HOLD];

  #hold(refused: TypeError | undefined, single: boolean): Resend | undefined {
    if (!this.#started) {
      this.#single = single;
      this.#refused = refused;
      this.then(undefined, noop);
    }
    return this.#resend;
  }

  /** Reads the body in the given mode: inside the attempt when the call has not started yet. */
  #read(mode: ReadMode): Promise<CallResult> {
    // Made with `new` or a Promise static (`resolve`), not by start(): the Response is all there is.
    if (this.#result === undefined) return this.then(async (response) => ({ response, data: await readData(response, mode) }));
    const m = this.#mode;
    if (!this.#started && m === "response") {
      this.#mode = mode;
      this.then(undefined, noop); // the shortcut's promise carries the rejection
    } else if (m !== mode && !(m === "json" && mode === "text") && !(m === "text" && mode === "json")) {
      return this.#result.then(async (r) => ({ ...r, data: await readData(r.response, mode) }));
    }
    return this.#result;
  }

  /**
   * Parses the body as JSON (undefined for an empty body); sets `Accept: application/json`
   * unless given. To validate it with a schema: `validateJson(p, schema)`; a schema passed here
   * (from JavaScript) is refused rather than skipped, and a request nothing else reads yet is
   * then not sent.
   * @example const user = await api.get<User>("users/42").json();
   */
  json<J = T>(): Promise<J> {
    // eslint-disable-next-line prefer-rest-params
    if (arguments[0] != null) return this.#refuse(optionError("json(schema)", "is validateJson(p, schema): import { validateJson } from \"tierfetch\""));
    return this.#read("json").then(parseJson) as Promise<J>;
  }

  /** Rejects with `error`; a call not started that no shortcut reads yet is never sent and rejects with it too. */
  #refuse(error: TypeError): Promise<never> {
    if (this.#mode === "response") this.#hold(error, false);
    return Promise.reject(error);
  }

  /** The body as text. */
  text(): Promise<string> {
    return this.#read("text").then(dataOf) as Promise<string>;
  }

  /** The body as bytes. */
  bytes(): Promise<Uint8Array> {
    return this.#read("bytes").then((r) => new Uint8Array(r.data as ArrayBuffer));
  }

  /** The body as an ArrayBuffer. */
  arrayBuffer(): Promise<ArrayBuffer> {
    return this.#read("arrayBuffer").then(dataOf) as Promise<ArrayBuffer>;
  }

  /** The body as a Blob. */
  blob(): Promise<Blob> {
    return this.#read("blob").then(dataOf) as Promise<Blob>;
  }
}

const dataOf = (r: CallResult): unknown => r.data;

/** The JSON of a body read as text; a ParseError with the request, status and the start of the body when it is not JSON. */
function parseJson({ data, response, context }: CallResult): unknown {
  const text = data as string;
  if (!text) return undefined; // an empty body
  try {
    return JSON.parse(text);
  } catch (error) {
    const start = maskSecrets(text.slice(0, 200), context?.secrets() ?? []);
    const type = response.headers.get("content-type");
    throw new ParseError(context?.request, response, `the body is not valid JSON (${(error as Error).message.slice(0, 120)})${type ? `, content-type ${type.slice(0, 80)}` : ""}: ${start}${text.length > 200 ? "…" : ""}`, {
      attempts: context ? context.attempt + 1 : undefined,
      cause: error,
    });
  }
}
