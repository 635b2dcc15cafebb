// Linear-time input handling: every parse of user or network input runs in time linear in its
// length. Each case hands 1 MiB of a hostile pattern to one parser and asserts the best of
// three runs stays under 500 ms (linear code takes a few ms to a few tens of ms here, even on a
// busy machine). The quadratic versions these replace took seconds on a tenth of that, for
// example (measured on this project's 2-core machine):
//   joinUrl's /[\t\n\r]|[\0-\x20]+$/g                80,000 spaces then "x"   2.9-6.8 s
//   parseBaseUrl's /\/+$/                           100,000 "/" then "x"     7.6 s
//   parseDuration's span regex                       40,000 digits            2-3.4 s
//   redactUrl's /([?&])([^=&#]*)=[^&#]*/g           100,000 "?"               1.2 s (1 MiB: minutes)
import { describe, expect, it } from "vitest";
import { paginate, createClient, parseDuration } from "../../src/index.js";
import { redactUrl } from "../../src/security/redact.js";
import { joinUrl, parseBaseUrl } from "../../src/http/url.js";

const MiB = 1 << 20;
const BOUND_MS = 500;

/** `pattern` repeated to exactly 1 MiB. */
const mib = (pattern: string): string => pattern.repeat(Math.ceil(MiB / pattern.length)).slice(0, MiB);

/** Runs `work` three times (the first warms the JIT up) and returns the fastest run in ms. */
function bestOf3(work: () => unknown): number {
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    try {
      work();
    } catch {
      /* refusing is fine: the time is what counts */
    }
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/** Asserts `work` on each input finishes in well under the bound; reports every slow one at once. */
function expectLinear(cases: Record<string, string>, work: (input: string) => unknown): void {
  const slow: string[] = [];
  for (const [name, input] of Object.entries(cases)) {
    const ms = bestOf3(() => work(input));
    if (ms >= BOUND_MS) slow.push(`${name}: ${ms.toFixed(0)} ms`);
  }
  expect(slow).toEqual([]);
}

describe("URL joining and baseUrl: linear on hostile paths", () => {
  const base = parseBaseUrl("https://api.example.com/v2");

  it("joinUrl: a run of spaces, C0 controls, tabs, dots, %2e, slashes or backslashes", () => {
    expectLinear(
      {
        "spaces then x": `${mib(" ").slice(1)}x`,
        "spaces at the end": `x${mib(" ").slice(1)}`,
        "C0 controls then x": `${mib("\x01\x1f")}x`,
        "tabs and newlines": mib("\t\n\r"),
        "%2e repeats": mib("%2e"),
        "%2E%2e/ repeats": mib("%2E%2e/"),
        "/. repeats": mib("/."),
        "./ repeats": mib("./"),
        "backslashes": mib("\\"),
        "?# repeats": mib("?#"),
      },
      (path) => joinUrl(base, path),
    );
  });

  it("parseBaseUrl: a long run of slashes, with and without something after it", () => {
    expectLinear(
      { "slashes then x": `https://h/${mib("/")}x`, "slashes at the end": `https://h/${mib("/")}`, "a.b. host": `https://${mib("a.")}/` },
      (url) => parseBaseUrl(url),
    );
  });

  it("a request through createClient with 1 MiB of spaces then a path is prepared in time", async () => {
    const api = createClient({ baseUrl: "https://api.example.com/v2", retry: false, fetch: async () => new Response("ok") });
    const path = `${mib(" ").slice(1)}x`;
    const start = performance.now();
    await api.get(path).text().catch(() => undefined);
    expect(performance.now() - start).toBeLessThan(5 * BOUND_MS);
  });
});

describe("parseDuration: linear, and absurd inputs refused cleanly", () => {
  it("1 MiB of digits, spaces, dots, spans or letters: answered in time", () => {
    expectLinear(
      {
        digits: mib("1"),
        "digits then ms": `${mib("1")}ms`,
        "40,000 digits": "9".repeat(40_000),
        spaces: mib(" "),
        "1. repeats": mib("1."),
        ". repeats": mib("."),
        "1s spans": mib("1s"),
        "1 s  spans": mib("1 s  "),
        letters: mib("s"),
        "digits then letters": `${"1".repeat(MiB >> 1)}${"x".repeat(MiB >> 1)}`,
      },
      (text) => parseDuration(text),
    );
  });

  it("a number too large to be finite is a TypeError quoting the start of the input", () => {
    for (const text of ["9".repeat(40_000), `${"9".repeat(400)}ns`, `1${"0".repeat(310)}ms`, `${"9".repeat(300)}y`, `${mib("1")}ms`]) {
      let error: unknown;
      try {
        parseDuration(text);
      } catch (e) {
        error = e;
      }
      expect(error, text.slice(0, 20)).toBeInstanceOf(TypeError);
      const message = (error as TypeError).message;
      expect(message).toContain(`Invalid duration ${JSON.stringify(text.slice(0, 20)).slice(0, -1)}`);
      expect(message).toMatch(/\bns\b.*\bms\b.*\by\b/);
      // The message stays readable: a long input is cut.
      expect(message.length).toBeLessThan(1400);
    }
  });

  it("huge but finite spellings still parse: long fractions and leading zeros", () => {
    expect(parseDuration(`${"0".repeat(40_000)}1ms`)).toBe(1);
    expect(parseDuration(`0.${"0".repeat(40_000)}1s`)).toBe(0);
    expect(parseDuration(`1.${"0".repeat(40_000)}s`)).toBe(1000);
    expect(parseDuration("1s ".repeat(350_000))).toBe(350_000_000);
  });

  it("as an option: a 40,000-digit timeout is a TypeError naming the option, nothing sent", async () => {
    let sent = 0;
    const api = createClient({ baseUrl: "https://api.example.com", fetch: async () => (sent++, new Response("ok")) });
    const error = await Promise.resolve()
      .then(() => api.get("x", { timeout: `${"9".repeat(40_000)}ms` }).text())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(String((error as Error).message)).toContain("timeout");
    expect(sent).toBe(0);
  });
});

describe("redactUrl: linear on hostile URLs", () => {
  it("1 MiB of separators, pairs, escapes, schemes and @ signs", () => {
    expectLinear(
      {
        "? repeats": `https://h/${mib("?")}`,
        "?a repeats": `https://h/${mib("?a")}`,
        "a= repeats": `https://h/?${mib("a=")}`,
        "?a= repeats": `https://h/${mib("?a=")}`,
        "a=1& repeats": `https://h/?${mib("a=1&")}`,
        "token=& repeats": `https://h/?${mib("token=&")}`,
        "&token repeats": `https://h/?x=${mib("&token")}`,
        "; repeats": `https://h/${mib(";")}`,
        ";token=x/ repeats": `https://h/${mib(";token=x/")}`,
        "#a= repeats": `https://h/${mib("#a=")}`,
        "?a=%25 repeats": `https://h/${mib("?a=%25")}`,
        "nested ?b=%41": `https://h/?a=${mib("?b=%41")}`,
        "%2e repeats": `https://h/${mib("%2e")}`,
        ":// repeats": mib("://"),
        "://a@ repeats": mib("://a@"),
        "@ in the authority": `https://${mib("@")}`,
        "letters, no scheme end": mib("a"),
        "spaces": mib(" "),
        "+ in a name": `https://h/?${mib("+")}=x`,
      },
      (url) => redactUrl(url),
    );
  });
});

describe("headers, Retry-After and Link: hostile values answered in time", () => {
  /** A client whose fetch answers each request with `respond()`, counting requests. */
  function clientWith(respond: () => Response) {
    let requests = 0;
    const api = createClient({
      baseUrl: "https://api.example.com",
      retry: { maxRetries: 1, minDelay: 1, maxDelay: 1, deadline: "2s" },
      fetch: async () => (requests++, respond()),
    });
    return { api, requests: () => requests };
  }

  it("a 1 MiB header name or value is refused (or sent) in time", async () => {
    const api = createClient({ baseUrl: "https://api.example.com", retry: false, fetch: async () => new Response("ok") });
    for (const headers of [{ [`${mib("a").slice(1)} `]: "v" }, { [mib("a")]: "v" }, { x: `${mib("a").slice(1)}\n` }, { x: mib("a") }]) {
      const start = performance.now();
      await api.get("x", { headers }).text().catch(() => undefined);
      expect(performance.now() - start).toBeLessThan(5 * BOUND_MS);
    }
  });

  it("a Link header of 1 MiB of '<', ', <', '; rel=' or spaces ends paginate in time", async () => {
    for (const link of [mib("<"), mib(", <"), `<a>${mib("; rel=")}`, `<a>;${mib(" ")}`, mib(" ;"), mib(",")]) {
      const { api } = clientWith(() => new Response("[]", { headers: { "content-type": "application/json", link } }));
      const start = performance.now();
      const items: unknown[] = [];
      for await (const item of paginate(api, "items")) items.push(item);
      expect(performance.now() - start).toBeLessThan(5 * BOUND_MS);
    }
  });

  it("a Retry-After of 1 MiB of digits or of a date-like pattern is read in time", async () => {
    for (const value of [`${mib("1").slice(1)}x`, mib("1."), `${mib("a").slice(2)}, `, mib("Sun ")]) {
      const { api, requests } = clientWith(() => new Response("busy", { status: 503, headers: { "retry-after": value } }));
      const start = performance.now();
      await api.get("x").text().catch(() => undefined);
      expect(performance.now() - start).toBeLessThan(5 * BOUND_MS);
      expect(requests()).toBeGreaterThanOrEqual(1);
    }
  });
});
