// A tiny test harness that runs unchanged in Node, Deno, Bun, workerd, edge-runtime and
// browsers: plain ES2022, no imports, no globals beyond setTimeout/clearTimeout/Date.
//
//   const h = createHarness({ timeout: 5000 });
//   h.test("name", async () => { h.equal(1, 1); });
//   const report = await h.run();   // { results: [{ name, status, ms, error? }], passed, failed, skipped, ms }
//
// Every test gets its own timeout (a test that never settles fails with "timed out after N ms"
// and the run moves on). A test may be skipped with `{ skip: "reason" }`.

export class AssertionError extends Error {
  constructor(message) {
    super(message);
    this.name = "AssertionError";
  }
}

/** Short, safe rendering of a value for assertion messages. */
export function show(value) {
  if (typeof value === "string") return JSON.stringify(value.length > 300 ? value.slice(0, 300) + "…" : value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function") return `[function ${value.name || "anonymous"}]`;
  if (value instanceof Error || (value && typeof value === "object" && "message" in value && "name" in value)) {
    return `${value.name}: ${value.message}`;
  }
  if (isBytes(value)) return `Uint8Array[${Array.from(value).slice(0, 32).join(",")}${value.length > 32 ? ",…" : ""}]`;
  try {
    const text = JSON.stringify(value, (_k, v) => (v === undefined ? "<undefined>" : v));
    if (text === undefined) return String(value);
    return text.length > 300 ? text.slice(0, 300) + "…" : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function isBytes(value) {
  return Object.prototype.toString.call(value) === "[object Uint8Array]";
}

/** Structural equality for JSON-like values, Dates and typed arrays (realm-independent). */
export function isDeepEqual(a, b) {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  const ta = Object.prototype.toString.call(a);
  if (ta !== Object.prototype.toString.call(b)) return false;
  if (ta === "[object Date]") return a.getTime() === b.getTime();
  if (ArrayBuffer.isView(a)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (Array.isArray(a)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!isDeepEqual(a[i], b[i])) return false;
    return true;
  }
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!Object.prototype.hasOwnProperty.call(b, k) || !isDeepEqual(a[k], b[k])) return false;
  return true;
}

function describeError(error) {
  if (error && typeof error === "object") {
    const name = error.name || error.constructor?.name || "Error";
    let text = `${name}: ${error.message ?? String(error)}`;
    if (error.code) text += ` [code ${error.code}]`;
    if (error.cause) text += ` (cause: ${describeError(error.cause)})`;
    return text;
  }
  return String(error);
}

export function createHarness(options = {}) {
  const defaultTimeout = options.timeout ?? 5000;
  const filter = options.filter ? new RegExp(options.filter) : null;
  const tests = [];

  const h = {
    /** Register a test. opts: { timeout?: ms, skip?: string (reason) } */
    test(name, fn, opts = {}) {
      if (tests.some((x) => x.name === name)) throw new Error(`duplicate test name: ${name}`);
      tests.push({ name, fn, timeout: opts.timeout ?? defaultTimeout, skip: opts.skip });
    },

    fail(message) {
      throw new AssertionError(message);
    },
    ok(value, message) {
      if (!value) throw new AssertionError(message ?? `expected a truthy value, got ${show(value)}`);
    },
    equal(actual, expected, message) {
      if (!Object.is(actual, expected)) {
        throw new AssertionError(`${message ? message + ": " : ""}expected ${show(expected)}, got ${show(actual)}`);
      }
    },
    notEqual(actual, unexpected, message) {
      if (Object.is(actual, unexpected)) throw new AssertionError(`${message ? message + ": " : ""}did not expect ${show(actual)}`);
    },
    deepEqual(actual, expected, message) {
      if (!isDeepEqual(actual, expected)) {
        throw new AssertionError(`${message ? message + ": " : ""}expected ${show(expected)}, got ${show(actual)}`);
      }
    },
    includes(haystack, needle, message) {
      if (typeof haystack !== "string" || !haystack.includes(needle)) {
        throw new AssertionError(`${message ? message + ": " : ""}expected ${show(haystack)} to include ${show(needle)}`);
      }
    },
    notIncludes(haystack, needle, message) {
      if (typeof haystack === "string" && haystack.includes(needle)) {
        throw new AssertionError(`${message ? message + ": " : ""}${show(needle)} must not appear (found in a ${haystack.length}-char string)`);
      }
    },
    match(text, regex, message) {
      if (typeof text !== "string" || !regex.test(text)) {
        throw new AssertionError(`${message ? message + ": " : ""}expected ${show(text)} to match ${regex}`);
      }
    },
    atLeast(actual, min, message) {
      if (!(actual >= min)) throw new AssertionError(`${message ? message + ": " : ""}expected >= ${min}, got ${show(actual)}`);
    },
    atMost(actual, max, message) {
      if (!(actual <= max)) throw new AssertionError(`${message ? message + ": " : ""}expected <= ${max}, got ${show(actual)}`);
    },
    /**
     * Expect a promise (or a function returning one) to reject. A function that throws
     * synchronously fails the assertion (the contract is "reject, never throw").
     * `check` may be a constructor (instanceof) or a predicate (return false or throw to fail).
     * Returns the rejection reason.
     */
    async rejects(promiseOrFn, check, message) {
      let promise = promiseOrFn;
      if (typeof promiseOrFn === "function") {
        try {
          promise = promiseOrFn();
        } catch (error) {
          throw new AssertionError(`${message ? message + ": " : ""}threw synchronously instead of rejecting: ${describeError(error)}`);
        }
      }
      let reason;
      let rejected = false;
      try {
        const value = await promise;
        reason = value;
      } catch (error) {
        rejected = true;
        reason = error;
      }
      if (!rejected) throw new AssertionError(`${message ? message + ": " : ""}expected a rejection, got a value ${show(reason)}`);
      if (typeof check === "function") {
        if (check.prototype && check.prototype instanceof Error || check === Error) {
          if (!(reason instanceof check)) {
            throw new AssertionError(`${message ? message + ": " : ""}expected a ${check.name}, got ${describeError(reason)}`);
          }
        } else if (check(reason) === false) {
          throw new AssertionError(`${message ? message + ": " : ""}rejection did not pass the check: ${describeError(reason)}`);
        }
      }
      return reason;
    },

    /** Run every registered test in order. onResult(result) is called after each one. */
    async run(runOptions = {}) {
      const started = Date.now();
      const results = [];
      const unhandled = [];
      let current = "(before the first test)";
      const untrack = trackUnhandledRejections((reason) => unhandled.push(`near "${current}": ${describeError(reason)}`));
      for (const entry of tests) {
        current = entry.name;
        if (filter && !filter.test(entry.name)) continue;
        const result = { name: entry.name, status: "passed", ms: 0 };
        if (entry.skip) {
          result.status = "skipped";
          result.reason = String(entry.skip);
        } else {
          const t0 = Date.now();
          let timer;
          try {
            await Promise.race([
              Promise.resolve().then(() => entry.fn()),
              new Promise((_, reject) => {
                timer = setTimeout(() => reject(new AssertionError(`timed out after ${entry.timeout} ms`)), entry.timeout);
              }),
            ]);
          } catch (error) {
            result.status = "failed";
            result.error = describeError(error);
          } finally {
            clearTimeout(timer);
          }
          result.ms = Date.now() - t0;
        }
        results.push(result);
        if (runOptions.onResult) {
          try {
            runOptions.onResult(result);
          } catch {
            // a reporter's failure must not fail the run
          }
        }
      }
      // Rejections nobody handled surface a little after their test: give them a moment.
      await new Promise((r) => setTimeout(r, 20));
      untrack();
      if (!filter || filter.test("no unhandled promise rejections")) {
        results.push(
          unhandled.length
            ? { name: "no unhandled promise rejections", status: "failed", ms: 0, error: `${unhandled.length} unhandled: ${unhandled.slice(0, 5).join(" | ")}` }
            : { name: "no unhandled promise rejections", status: "passed", ms: 0 },
        );
      }
      const count = (status) => results.filter((r) => r.status === status).length;
      return { results, passed: count("passed"), failed: count("failed"), skipped: count("skipped"), ms: Date.now() - started };
    },
  };
  return h;
}

/**
 * Records unhandled promise rejections instead of letting them end the process (Node, Deno and
 * Bun exit on one by default): they are reported as a failed check. Returns the un-installer.
 */
function trackUnhandledRejections(onReason) {
  const g = globalThis;
  const proc = g.process;
  if (proc && typeof proc.on === "function" && typeof proc.off === "function") {
    const listener = (reason) => onReason(reason);
    proc.on("unhandledRejection", listener);
    return () => proc.off("unhandledRejection", listener);
  }
  if (typeof g.addEventListener === "function" && typeof g.removeEventListener === "function") {
    const listener = (event) => {
      event.preventDefault?.();
      onReason(event.reason);
    };
    g.addEventListener("unhandledrejection", listener);
    return () => g.removeEventListener("unhandledrejection", listener);
  }
  return () => {};
}

/** Describe an error for reports (name, message, code, cause chain). */
export { describeError };
