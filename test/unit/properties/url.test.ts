// Property tests for joining a relative path under baseUrl: whatever the path holds
// (`//evil.com`, `\\evil.com`, `..`, `%2e%2e`, encoded slashes, `@`, `:`, tabs, newlines...),
// either the request rejects with a TypeError before anything is sent, or the URL that fetch
// gets has the base's origin and a path under the base's path.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createClient } from "../../../src/index.js";

const RUNS = { numRuns: 2000 };

const BASES = [
  "https://api.example.com/v2",
  "https://api.example.com/v2/",
  "https://api.example.com/a/b/",
  "https://api.example.com",
  "https://api.example.com:8443/v1/",
  "http://127.0.0.1:8080/base/x",
];

/** Pieces an attacker-controlled id or path might hold. */
const PIECES = [
  "/", "//", "\\", "\\\\", ".", "..", "...", "%2e", "%2E", "%2e%2e", ".%2e", "%2e.", "%2f", "%2F", "%5c", "%5C",
  "@", ":", "evil.com", "evil.com:443", "//evil.com", "\\\\evil.com", "/\\evil.com", "\\/evil.com", "user:pw@",
  "?", "#", "&", "=", "%", "%00", "%0d%0a", " ", "\t", "\n", "\r", "\0", "\u00a0", "\u3002", "\uff0e", "\uff0f",
  "http:", "https:", "http:evil.com", "https:/evil.com", "file:", "javascript:", "a", "users", "42", "~", ";", "!",
];
const piece = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...PIECES) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 3 }) },
);
const relativePath = fc
  .array(piece, { minLength: 1, maxLength: 8 })
  .map((parts) => parts.join(""))
  // A URL with a scheme and an authority bypasses baseUrl by contract: not a relative path.
  .filter((p) => !/^[a-z][a-z\d+.-]*:\/\//i.test(p));

/** The path a URL must stay under: the base's path without its trailing slash. */
function basePath(base: string): string {
  return new URL(base).pathname.replace(/\/+$/, "");
}

async function check(base: string, path: string) {
  const sent: string[] = [];
  const api = createClient({
    baseUrl: base,
    retry: false,
    fetch: async (input: Request | string) => {
      sent.push(typeof input === "string" ? input : input.url);
      return new Response("ok");
    },
  });
  let promise: Promise<unknown>;
  try {
    promise = api.get(path);
  } catch (error) {
    throw new Error(`threw synchronously for ${JSON.stringify(path)}: ${String(error)}`);
  }
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (error !== undefined) {
    expect(error, `rejection for ${JSON.stringify(path)}`).toBeInstanceOf(TypeError);
    expect(sent, `sent although it rejected: ${JSON.stringify(path)}`).toEqual([]);
    return;
  }
  expect(sent).toHaveLength(1);
  // What a real fetch would do with the string: the WHATWG URL parser.
  const url = new URL(sent[0]!);
  const origin = new URL(base).origin;
  const prefix = basePath(base);
  expect({ path, origin: url.origin }).toEqual({ path, origin });
  const under = url.pathname === prefix || url.pathname.startsWith(`${prefix}/`) || (prefix === "" && url.pathname === "/");
  expect(under, `${JSON.stringify(path)} under ${base} was sent to ${url.href}`).toBe(true);
}

describe("baseUrl joining (properties)", () => {
  it("a relative path never leaves the base's origin or path", async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...BASES), relativePath, check), RUNS);
  });

  it("known escape attempts stay under the base (or are refused)", async () => {
    const attempts = [
      "//evil.com", "///evil.com", "\\\\evil.com", "/\\evil.com", "\\/evil.com", "//evil.com/x", "@evil.com", ":@evil.com",
      "..", "../", "../x", "a/../../x", "%2e%2e/x", "%2E%2E/x", ".%2e/x", "%2e./x", "..\\x", "..%2fx", "..%5cx",
      "./../x", "a/./../../x", "?x=1", "#frag", "", "/", ".", "./", "http:evil.com", "https:/evil.com", "evil.com:80/x",
      // The URL parser drops tabs and newlines anywhere, and C0 controls and spaces at the end:
      // what is left may be a ".." segment.
      ".\t./x", ".\n./x", "%2e\t%2e/x", "\t../x", "..\t/x", ".\r./x", "a/.\n./..\t/x", "..\0", "%2e%2e\0", ".. ", "a/%2e%2e\u001f",
    ];
    const escaped: string[] = [];
    for (const base of BASES) {
      for (const path of attempts) {
        try {
          await check(base, path);
        } catch (error) {
          escaped.push((error as Error).message.split("\n")[0]!.replace(/: expected .*$/, ""));
        }
      }
    }
    expect(escaped).toEqual([]);
  });
});
