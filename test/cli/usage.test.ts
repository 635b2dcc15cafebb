/** The help text itself: every placeholder is spelled as one word in capitals, nothing glued to it. */
import { describe, expect, it } from "vitest";
import { HELP } from "../../src/cli/usage.js";

describe("--help text", () => {
  it("no placeholder has letters glued to it (e.g. SECONDSs)", () => {
    const glued = (HELP.match(/\b[A-Z]{3,}[a-z]+\b/g) ?? []).filter((word) => word !== "HTTPie");
    expect(glued).toEqual([]);
  });

  it("-m says it is curl's limit on the whole transfer (not --timeout, which is per attempt) and exits 28", () => {
    expect(HELP).toMatch(/-m, --max-time SECONDS {2}curl's limit on the whole transfer/);
    expect(HELP).not.toMatch(/-m, --max-time SECONDS .*--timeout/);
    expect(HELP).toMatch(/28 -m\/--max-time ran out/);
  });
});
