/** The command line parsed without a process: how words become method, URL, items and flags. */
import { describe, expect, it } from "vitest";
import { parseArgs, type CliArgs } from "../../src/cli/args.js";
import { parseItem } from "../../src/cli/items.js";

const request = (...argv: string[]): CliArgs => {
  const parsed = parseArgs(argv);
  if (parsed.command !== "request") throw new Error(`not a request: ${parsed.command}`);
  return parsed.args;
};

describe("method, URL and items", () => {
  it.each([
    [["localhost", "name=tea"], "POST", "http://localhost/"],
    [["GET", "example.com:8080/x"], "GET", "https://example.com:8080/x"],
    [["purge", ":3000/cache"], "PURGE", "http://localhost:3000/cache"],
    [[":/health"], "GET", "http://localhost/health"],
    [["api.localhost:8080/v1"], "GET", "http://api.localhost:8080/v1"],
    [["[::1]:9/x"], "GET", "http://[::1]:9/x"],
    [["example.com/x"], "GET", "https://example.com/x"],
  ])("%j → %s %s", (argv, method, url) => {
    const args = request(...(argv as string[]));
    expect(args.method).toBe(method);
    expect(args.url).toBe(url);
  });

  it("a header item with a digit value is an item, not a host with a port", () => {
    const args = request("localhost", "X-Count:5");
    expect(args.url).toBe("http://localhost/");
    expect(args.headers).toEqual([["X-Count", "5"]]);
  });

  it("the URL's user info becomes credentials and leaves the URL", () => {
    const args = request("http://bob:p%40ss@127.0.0.1:8/x");
    expect(args.url).toBe("http://127.0.0.1:8/x");
    expect(args.credentials).toEqual({ user: "bob", password: "p@ss" });
  });

  it.each([
    ["a=b", { kind: "field", name: "a", json: '"b"' }],
    ["a:=[1, 2]", { kind: "field", name: "a", json: "[1, 2]" }],
    ["a==b=c", { kind: "query", name: "a", value: "b=c" }],
    ["X-A:b:c", { kind: "header", name: "X-A", value: "b:c" }],
    ["X-A;", { kind: "header", name: "X-A", value: "" }],
    ["X-A:", { kind: "header", name: "X-A", value: undefined }],
    ["url=http://x", { kind: "field", name: "url", json: '"http://x"' }],
    ["a\\:b=c", { kind: "field", name: "a:b", json: '"c"' }],
    ["bio=@notes.txt", { kind: "file-field", name: "bio", path: "notes.txt", as: "string" }],
    ["meta:=@meta.json", { kind: "file-field", name: "meta", path: "meta.json", as: "json" }],
    ["at=\\@home", { kind: "field", name: "at", json: '"@home"' }],
    ["q==@x", { kind: "query", name: "q", value: "@x" }],
    ["plain", undefined],
    ["=x", undefined],
  ])("item %j", (word, item) => {
    expect(parseItem(word)).toEqual(item);
  });
});

describe("flags as curl users type them", () => {
  it("attached values, clusters, --name=value, --no-color and --", () => {
    const args = request("-XPATCH", "-sSL", "-H'X: y'".replace(/'/g, ""), "--timeout=2s", "--no-color", "--", "example.com");
    expect(args).toMatchObject({ method: "PATCH", follow: true, quiet: true, silent: false, timeout: "2s", color: false, url: "https://example.com/" });
    expect(args.headers).toEqual([["X", "y"]]);
  });

  it("-m is the whole transfer's limit in ms, apart from --timeout (per attempt); 0 is no limit, as in curl", () => {
    expect(request("-m", "2.5", "x.test")).toMatchObject({ maxTime: 2500, timeout: undefined });
    expect(request("-m", "1", "--timeout", "short", "x.test")).toMatchObject({ maxTime: 1000, timeout: "short" });
    expect(request("--max-time=.3", "x.test").maxTime).toBe(300);
    expect(request("-m", "0", "x.test").maxTime).toBeUndefined();
    expect(() => request("-m", "-1", "x.test")).toThrow(/max-time/);
  });

  it("-s alone is silent; -i, -f, -o and --pretty are read", () => {
    expect(request("-s", "x.test")).toMatchObject({ silent: true, quiet: true });
    expect(request("-if", "-o", "out/", "--pretty", "colors", "x.test")).toMatchObject({ include: true, fail: true, output: "out/", pretty: "colors" });
  });

  it.each([
    [["-Z", "x.test"], /unknown option -Z/],
    [["-sZ", "x.test"], /unknown option -Z \(in -sZ\)/],
    [["--sse=1", "x.test"], /--sse takes no value/],
    [["x.test", "-X"], /-X needs a value/],
    [["-X", "GET", "POST", "x.test"], /the method is given twice/],
    [["-u", "a:b", "--token-env", "T", "x.test"], /either -u .* or --token-env/],
    [["-o", "a", "-o", "b", "x.test"], /-o given more than once/],
  ])("%j is refused", (argv, message) => {
    expect(() => parseArgs(argv as string[])).toThrow(message);
  });
});
