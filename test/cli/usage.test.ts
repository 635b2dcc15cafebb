/** The help text itself: every placeholder is spelled as one word in capitals, nothing glued to it. */
import { describe, expect, it } from "vitest";
import { HELP } from "../../src/cli/usage.js";

describe("--help text", () => {
  it("no placeholder has letters glued to it (e.g. SECONDSs)", () => {
    const glued = (HELP.match(/\b[A-Z]{3,}[a-z]+\b/g) ?? []).filter((word) => word !== "HTTPie");
    expect(glued).toEqual([]);
  });

  it("-m explains its seconds as a --timeout duration", () => {
    expect(HELP).toMatch(/-m, --max-time SECONDS .*--timeout/);
  });
});
