// Property tests for query encoding: whatever the keys and values (Unicode, reserved characters,
// arrays, Dates, numbers, booleans, bigints, null/undefined), the URL that fetch gets decodes
// through URLSearchParams to exactly the pairs the contract describes, in order.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createClient } from "../../../src/index.js";

const RUNS = { numRuns: 400 };

type Scalar = string | number | boolean | bigint | Date | null | undefined;
type Query = Record<string, Scalar | Scalar[]>;

/** Keys and strings: any Unicode code point (no lone surrogates), biased to URL-reserved characters. */
const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: "grapheme", maxLength: 8 }) },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(..."&=?#+% /;:@,$!*'()[]{}|\\^`\"<>~\u00e9\u20ac\u{1F642}\u6771\t\n\r\u0000"), maxLength: 8 }) },
);
const date = fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true });
const scalar: fc.Arbitrary<Scalar> = fc.oneof(
  { weight: 4, arbitrary: text },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.bigInt() },
  { weight: 1, arbitrary: date },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined) },
);
const value = fc.oneof({ weight: 3, arbitrary: scalar }, { weight: 1, arbitrary: fc.array(scalar, { maxLength: 4 }) });
const query: fc.Arbitrary<Query> = fc.dictionary(text, value, { maxKeys: 6 });

/** The contract: arrays repeat the key, null/undefined dropped, Date → ISO 8601, others String(v). */
function str(v: Scalar): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (v instanceof Date) return v.toISOString();
  return String(v);
}
function expectedPairs(q: Query): [string, string][] {
  const out: [string, string][] = [];
  for (const key of Object.keys(q)) {
    const v = q[key];
    for (const one of Array.isArray(v) ? v : [v]) {
      const s = str(one);
      if (s !== undefined) out.push([key, s]);
    }
  }
  return out;
}

async function sentUrl(options: { client?: Query; request?: Query | URLSearchParams; path?: string }): Promise<URL> {
  const sent: string[] = [];
  const api = createClient({
    baseUrl: "https://api.example.com/v1/",
    retry: false,
    query: options.client,
    fetch: async (input: Request | string) => {
      sent.push(typeof input === "string" ? input : input.url);
      return new Response("{}");
    },
  });
  await api.get(options.path ?? "items", { query: options.request });
  expect(sent).toHaveLength(1);
  return new URL(sent[0]!);
}

describe("query encoding (properties)", () => {
  it("a request's query round-trips through URLSearchParams, in order", async () => {
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const url = await sentUrl({ request: q });
        expect([...url.searchParams]).toEqual(expectedPairs(q));
        expect(url.pathname).toBe("/v1/items");
      }),
      RUNS,
    );
  });

  it("a URLSearchParams given as query arrives with every pair, each key's values in order", async () => {
    // Queries merge by key (a request's key replaces the client's), so a key repeated with
    // other keys between its pairs is sent grouped at its first place: `a=1&b=2&a=3` goes out
    // as `a=1&a=3&b=2`. Same multimap, not the same string.
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(text, text), { maxLength: 8 }), async (pairs) => {
        const url = await sentUrl({ request: new URLSearchParams(pairs) });
        const grouped = new Map<string, string[]>();
        for (const [k, v] of pairs) grouped.set(k, [...(grouped.get(k) ?? []), v]);
        expect([...url.searchParams]).toEqual([...grouped].flatMap(([k, vs]) => vs.map((v) => [k, v])));
      }),
      RUNS,
    );
  });

  it("parameters already in the URL are kept, before the query option's", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(text, text), { minLength: 1, maxLength: 4 }), query, async (inUrl, q) => {
        const path = `items?${new URLSearchParams(inUrl)}`;
        const url = await sentUrl({ request: q, path });
        expect([...url.searchParams]).toEqual([...inUrl, ...expectedPairs(q)]);
      }),
      RUNS,
    );
  });

  it("client and request queries merge: a request key replaces the client's, null/undefined removes it", async () => {
    await fc.assert(
      fc.asyncProperty(query, query, async (client, request) => {
        const url = await sentUrl({ client, request });
        // Merged by key: the client's keys in order (replaced in place), then the request's new keys.
        const merged = new Map<string, Scalar | Scalar[]>();
        for (const k of Object.keys(client)) merged.set(k, client[k]);
        for (const k of Object.keys(request)) merged.set(k, request[k]);
        const expected: [string, string][] = [];
        for (const [k, v] of merged) {
          for (const one of Array.isArray(v) ? v : [v]) {
            const s = str(one);
            if (s !== undefined) expected.push([k, s]);
          }
        }
        expect([...url.searchParams]).toEqual(expected);
      }),
      RUNS,
    );
  });

  it("an Invalid Date rejects with a TypeError naming the query option (nothing sent)", async () => {
    const sent: string[] = [];
    const api = createClient({ baseUrl: "https://api.example.com/v1/", fetch: async (i: Request | string) => (sent.push(String(i)), new Response("")) });
    const error = await api.get("items", { query: { since: new Date(NaN) } }).then(() => undefined, (e: unknown) => e);
    expect(sent).toEqual([]);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/query/);
  });
});
