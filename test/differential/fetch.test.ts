/**
 * `api.fetch` must be fetch, on Node: every case of the shared differential suite
 * (test/conformance/differential.js, which the conformance run sends in every runtime) through
 * Node's own fetch and through `api.fetch` of src/, against the conformance server, for fast
 * iteration. A difference fails with both observations side by side.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as lib from "../../src/index.js";
// @ts-expect-error plain JS shared with the conformance runners
import { agree, differentialCases, differentialClient, observe } from "../conformance/differential.js";
// @ts-expect-error plain JS shared with the conformance runners
import { startServer } from "../support/conformance-server.mjs";

interface Case {
  name: string;
  skip?: string;
  ignore?: { fields: string[]; why: string };
  lenient?: string;
  make(): unknown;
}
interface Server {
  url: string;
  altUrl: string;
  close(): Promise<void>;
}

let server: Server;
beforeAll(async () => {
  server = await startServer({ ttl: 120_000 });
});
afterAll(() => server?.close());

// The cases need the server's URLs: made with placeholders, each case's URLs rewritten at run time.
const PLACEHOLDER = { serverUrl: "http://127.0.0.1:1", altUrl: "http://localhost:2", runtime: "node" };
const cases = (differentialCases(PLACEHOLDER) as Case[]).map((c) => ({
  name: c.name,
  skip: c.skip,
  ignore: c.ignore,
  lenient: c.lenient,
  make: () => differentialCases({ ...PLACEHOLDER, serverUrl: server.url, altUrl: server.altUrl }).find((x: Case) => x.name === c.name)!.make(),
}));

describe("api.fetch against Node's fetch", () => {
  test.each(cases)("$name", async (c) => {
    const expected = await observe(c, (input: RequestInfo, init?: RequestInit) => fetch(input, init), lib);
    const actual = await observe(c, differentialClient(lib).fetch, lib);
    const compared = agree(actual, expected, c, PLACEHOLDER);
    expect(compared.actual).toEqual(compared.expected);
  });
});
