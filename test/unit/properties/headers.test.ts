// Property tests for header validation: a CR, LF or NUL anywhere in a header name or value
// (request headers, client headers, idempotencyKey, token) makes the request reject with a
// TypeError before anything is sent. The message names the header and never holds the value.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createClient } from "../../../src/index.js";

const RUNS = { numRuns: 300 };

/** A fetch that records what it was asked to send and answers 200. */
function recordingFetch() {
  const sent: string[] = [];
  const fetch = async (input: Request | string) => {
    sent.push(typeof input === "string" ? input : input.url);
    return new Response("{}", { status: 200, headers: { "content-type": "application/json" } });
  };
  return { sent, fetch };
}

const tokenChar = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~");
const headerName = fc.string({ unit: tokenChar, minLength: 1, maxLength: 16 });
/** A value with a recognisable secret-looking core, so "the message never holds the value" is meaningful. */
const headerValue = fc.string({ unit: fc.constantFrom(..."abcXYZ0123 -_=/+:;,."), minLength: 0, maxLength: 20 }).map((s) => `V4LUE-${s}`);
const bad = fc.constantFrom("\r", "\n", "\0", "\r\n");
/** Inserts `c` at a position chosen by `at` (start, middle or end all happen). */
const insert = (s: string, c: string, at: number) => {
  const i = at % (s.length + 1);
  return s.slice(0, i) + c + s.slice(i);
};

/** Runs `send`, which must return a promise: no synchronous throw, a TypeError rejection. */
async function rejection(send: () => Promise<unknown>): Promise<TypeError> {
  let promise: Promise<unknown>;
  try {
    promise = send();
  } catch (error) {
    throw new Error(`threw synchronously instead of rejecting: ${String(error)}`);
  }
  const outcome = await promise.then(
    () => ({ ok: true as const }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) throw new Error("the request was sent instead of rejected");
  expect(outcome.error).toBeInstanceOf(TypeError);
  expect((outcome.error as Error).constructor).toBe(TypeError); // not a NetworkError wrapping it
  return outcome.error as TypeError;
}

/** The value's visible part: the message must not contain it (nor the value as given). */
function expectValueHidden(message: string, value: string) {
  expect(message).not.toContain(value);
  expect(message).not.toContain(value.replace(/[\r\n\0]/g, ""));
  expect(message).not.toContain("V4LUE-");
}

describe("header validation (properties)", () => {
  it("a CR/LF/NUL anywhere in a request header's value: TypeError naming the header, value not shown, nothing sent", async () => {
    await fc.assert(
      fc.asyncProperty(headerName, headerValue, bad, fc.nat(), fc.constantFrom("record", "pairs"), async (name, value, c, at, shape) => {
        const { sent, fetch } = recordingFetch();
        const api = createClient({ baseUrl: "https://api.example.com/v1", fetch, retry: false });
        const v = insert(value, c, at);
        const headers = shape === "record" ? { [name]: v } : ([[name, v]] as [string, string][]);
        const error = await rejection(() => api.get("items", { headers }));
        expect(sent).toEqual([]);
        expect(error.message.toLowerCase()).toContain(name.toLowerCase());
        expectValueHidden(error.message, v);
      }),
      RUNS,
    );
  });

  it("a CR/LF/NUL anywhere in a request header's name: TypeError naming the header, value not shown, nothing sent", async () => {
    await fc.assert(
      fc.asyncProperty(headerName, headerValue, bad, fc.nat(), async (name, value, c, at) => {
        const { sent, fetch } = recordingFetch();
        const api = createClient({ baseUrl: "https://api.example.com/v1", fetch, retry: false });
        const n = insert(name, c, at);
        const error = await rejection(() => api.post("items", { headers: [[n, value]], json: {} }));
        expect(sent).toEqual([]);
        // Named as given (JSON-escaped, since it holds a control character).
        expect(error.message).toContain(JSON.stringify(n).slice(1, -1));
        expectValueHidden(error.message, value);
      }),
      RUNS,
    );
  });

  it("a client default header with CR/LF/NUL is refused too (createClient or the request, never a send)", async () => {
    await fc.assert(
      fc.asyncProperty(headerName, headerValue, bad, fc.nat(), async (name, value, c, at) => {
        const { sent, fetch } = recordingFetch();
        const v = insert(value, c, at);
        let error: unknown;
        try {
          const api = createClient({ baseUrl: "https://api.example.com/v1", fetch, retry: false, headers: { [name]: v } });
          error = await api.get("items").then(() => undefined, (e: unknown) => e);
        } catch (e) {
          error = e; // createClient validates its options at once: fine for a client, not for a request
        }
        expect(sent).toEqual([]);
        expect(error).toBeInstanceOf(TypeError);
        expect((error as Error).message.toLowerCase()).toContain(name.toLowerCase());
        expectValueHidden((error as Error).message, v);
      }),
      RUNS,
    );
  });

  it("idempotencyKey with CR/LF/NUL: TypeError naming the option, key not shown, nothing sent", async () => {
    await fc.assert(
      fc.asyncProperty(headerValue, bad, fc.nat(), async (value, c, at) => {
        const { sent, fetch } = recordingFetch();
        const api = createClient({ baseUrl: "https://api.example.com/v1", fetch, retry: false });
        const key = insert(value, c, at);
        const error = await rejection(() => api.post("items", { json: {}, idempotencyKey: key }));
        expect(sent).toEqual([]);
        expect(error.message).toMatch(/idempotency/i);
        expectValueHidden(error.message, key);
      }),
      RUNS,
    );
  });

  it("a token (string or function) with CR/LF/NUL: TypeError naming the token, token not shown, nothing sent, no retry", async () => {
    await fc.assert(
      fc.asyncProperty(headerValue, bad, fc.nat(), fc.boolean(), async (value, c, at, asFunction) => {
        const { sent, fetch } = recordingFetch();
        const token = insert(value, c, at);
        let calls = 0;
        const api = createClient({
          baseUrl: "https://api.example.com/v1",
          fetch,
          retry: { maxRetries: 2, minDelay: 0 },
          token: asFunction ? () => (calls++, token) : token,
        });
        const error = await rejection(() => api.get("items"));
        expect(sent).toEqual([]);
        expect(error.message).toMatch(/token|authorization/i);
        expectValueHidden(error.message, token);
        if (asFunction) expect(calls).toBe(1); // a bad token is not a network error: never retried
      }),
      RUNS,
    );
  });
});
