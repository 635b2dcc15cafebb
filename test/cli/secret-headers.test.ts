/**
 * What -v prints of credentials: the vetted credential headers (X-Auth-Key, Ocp-Apim-
 * Subscription-Key, x-functions-key, DD-Application-Key...) masked like X-Api-Key, and the
 * secret query values inside the URLs that response headers carry (Location, Content-Location,
 * Link, Refresh) masked, so an OAuth `code=` or `access_token=` stays out of CI logs. Names and
 * everything else stay readable.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./support/harness.js";
import { showHeaderValue } from "../../src/cli/shown-header.js";

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  h.routes.set("/ok", (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("fine"));
  h.routes.set("/login", (_req, res) =>
    res
      .writeHead(302, {
        location: "/cb?code=OAUTH-CODE-S3CR3T&state=st-42",
        "content-location": "/login?access_token=CONTENT-LOC-S3CR3T&v=1",
        link: '<https://api.example.com/items?access_token=LINK-TOKEN-S3CR3T&page=2>; rel="next", <https://api.example.com/items?page=1>; rel="prev"',
        refresh: "0; url=/cb?access_token=REFRESH-S3CR3T",
      })
      .end(),
  );
  h.routes.set("/hop", (_req, res) => res.writeHead(302, { location: "/final?access_token=HOP-TOKEN-S3CR3T" }).end());
  h.routes.set("/final", (req, res) => {
    const token = new URL(req.url!, "http://x").searchParams.get("access_token");
    res.writeHead(403, `Forbidden for ${token}`, { "content-type": "text/plain" }).end(`denied ${req.url}`);
  });
  h.routes.set("/cb", (_req, res) => res.writeHead(200, { "content-type": "text/plain", "content-location": "/cb?sig=SIG-S3CR3T" }).end("welcome"));
}, 60_000);

afterAll(() => h?.close());

const NAMED = { "X-Auth-Key": "cf-global-KEY-S3CR3T", "Ocp-Apim-Subscription-Key": "apim-SUB-S3CR3T", "x-functions-key": "func-KEY-S3CR3T", "DD-Application-Key": "dd-APP-S3CR3T" };

describe("-v and the vetted credential headers", () => {
  it("each is sent, and shown as [REDACTED] with its name", async () => {
    const args = Object.entries(NAMED).flatMap(([name, value]) => ["-H", `${name}: ${value}`]);
    const r = await h.cli(["-v", `${h.base}/ok`, ...args]).done;
    expect(r.code).toBe(0);
    const sent = h.seen.at(-1)!.headers;
    for (const [name, value] of Object.entries(NAMED)) {
      expect(sent[name.toLowerCase()]).toBe(value);
      expect(r.stderr).toContain(`> ${name.toLowerCase()}: [REDACTED]`);
    }
    expect(r.stderr).not.toContain("S3CR3T");
  });
});

describe("-v and the URLs in response headers", () => {
  it("Location, Content-Location, Link and Refresh: secret query values masked, the rest kept", async () => {
    const r = await h.cli(["-v", `${h.base}/login`]).done;
    expect(r.stderr).not.toContain("S3CR3T");
    expect(r.stderr).toContain("< location: /cb?code=[REDACTED]&state=st-42");
    expect(r.stderr).toContain("< content-location: /login?access_token=[REDACTED]&v=1");
    expect(r.stderr).toContain('< link: <https://api.example.com/items?access_token=[REDACTED]&page=2>; rel="next", <https://api.example.com/items?page=1>; rel="prev"');
    expect(r.stderr).toContain("< refresh: 0; url=/cb?access_token=[REDACTED]");
  });

  it("with -L too: each hop's headers, and the final response's", async () => {
    const r = await h.cli(["-v", "-L", `${h.base}/login`]).done;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("welcome");
    expect(h.seen.at(-1)!.url).toContain("OAUTH-CODE-S3CR3T"); // the hop carried it
    expect(r.stderr).not.toContain("S3CR3T");
    expect(r.stderr).toContain("< content-location: /cb?sig=[REDACTED]");
  });

  it("-I: the head on stdout is the answer asked for, as curl prints it (a script reads Location there); stderr stays clean", async () => {
    const r = await h.cli(["-I", `${h.base}/login`]).done;
    expect(r.stdout).toContain("location: /cb?code=OAUTH-CODE-S3CR3T&state=st-42");
    expect(r.stderr).toContain("redirect to");
    expect(r.stderr).not.toContain("S3CR3T");
  });
});

describe("a redirect hop's secret query values on stderr", () => {
  it("-L to ?access_token=…, then a 403 whose reason phrase echoes it: the error line and -v mask it", async () => {
    const r = await h.cli(["-v", "-L", `${h.base}/hop`, "--retries", "0"]).done;
    expect(r.code).not.toBe(0);
    expect(h.seen.at(-1)!.url).toContain("HOP-TOKEN-S3CR3T"); // the hop carried it
    expect(r.stderr).toContain("Forbidden for [REDACTED]");
    expect(r.stderr).not.toContain("S3CR3T");
    expect(r.stdout).toContain("denied"); // the error body is the answer on stdout, as sent
  });
});

describe("a hostile Link header in -v", () => {
  it("'<' after '<' and no '>': shown in linear time (it took 5 s for 64,000 characters), each URL still masked", () => {
    // Each `<` used to scan to the end of the value looking for its `>`: quadratic in the value.
    for (const value of ["<".repeat(64_000), "<a".repeat(32_000), `${"<".repeat(32_000)}<https://a/?token=LINK-S3CR3T>; rel="next"`]) {
      const started = performance.now();
      const shown = showHeaderValue("link", value);
      expect(performance.now() - started).toBeLessThan(1_000); // milliseconds now; seconds before
      expect(shown).not.toContain("S3CR3T");
    }
    expect(showHeaderValue("link", '<<https://a/?code=C0DE-S3CR3T>; rel="x"')).toBe('<<https://a/?code=[REDACTED]>; rel="x"');
  });
});
