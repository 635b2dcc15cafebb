/**
 * Adversarial tests that FAIL today because of bugs in src/. Not matched by vitest's include
 * list (`.pending.ts`); run them with `sh test/adversarial/support/run-pending.sh`. When the lead
 * fixes one in main, it moves into its class's core-*.test.ts file. Each test names the source
 * line believed wrong.
 */
import { describe, expect, test } from "vitest";
import { rejection, useClients, useServers } from "./support/harness.js";

const servers = useServers(1);
const client = useClients();
const RETRY = { maxRetries: 3, minDelay: 1, maxDelay: 2, budget: false } as const;


describe("core-client-errors (refusals fetch makes after sending)", () => {
  // Deterministic refusals are classified as NetworkErrors and retried (4 requests): with
  // redirect "error" a 3xx fails in fetch ("unexpected redirect"), an integrity mismatch fails
  // after the body. src/pipeline/attempt.ts:316 refusedByFetch only catches what `new Request()` refuses.
  test.each([
    ["integrity that does not match", { integrity: "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" }, (res: import("node:http").ServerResponse) => res.writeHead(200).end("data")],
  ])("%s: not retried", async (_label, init, answer) => {
    const [s] = servers();
    s!.route("/x", (_req, res) => answer(res));
    const api = client({ baseUrl: s!.url, retry: RETRY });
    await rejection(api.get("/x", init as never).text());
    expect(s!.hits).toHaveLength(1);
  });
});
