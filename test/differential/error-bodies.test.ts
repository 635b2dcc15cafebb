/**
 * fetch resolves with a 4xx/5xx at its headers, whatever its body does. The client reads the
 * start of an error body for HttpError's message (waiting up to a second for it), which api.fetch
 * and `throwHttpErrors: false` — where the Response is handed back, not thrown — must not wait for.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createClient } from "../../src/index.js";

let server: http.Server;
let base = "";
/** Ends the open error bodies: each got its first part at once, the rest waits for this. */
const pending = new Set<() => void>();
const release = () => {
  for (const end of pending) end();
  pending.clear();
};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const status = Number(new URL(req.url!, "http://x").searchParams.get("status"));
    res.writeHead(status, { "content-type": "text/plain" });
    res.write("first part, ");
    pending.add(() => res.end("the rest"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  release();
  server.closeAllConnections();
  server.close();
});

// A tier shorter than the client's wait for an error body's start (1 s): before, the call was
// still reading that start when the tier ran out, so it rejected with a TimeoutError where fetch
// resolved. The body's gaps stay bounded by the tier once the Response is handed over.
const TIER = { timeout: "short", timeouts: { short: "800ms" }, retry: 0 } as const;

describe("an error status whose body is still arriving", () => {
  test.each([404, 500, 799])("api.fetch resolves with the %i at its headers, as fetch does", async (status) => {
    const api = createClient(TIER);
    const res = await api.fetch(`${base}/?status=${status}`);
    expect(res.status).toBe(status);
    release();
    expect(await res.text()).toBe("first part, the rest");
    expect(api.stats.timeouts).toBe(0);
  });

  test("throwHttpErrors: false resolves with the 503 at its headers", async () => {
    const api = createClient({ ...TIER, baseUrl: base, throwHttpErrors: false });
    const res = await api.get("/?status=503");
    expect(res.status).toBe(503);
    release();
    expect(await res.text()).toBe("first part, the rest");
  });
});
