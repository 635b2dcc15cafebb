import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { createClient } from "../../../src/index.js";
import { useMockServer } from "../helpers/msw.js";

const { server, seen } = useMockServer();

/** Echoes the body, its Content-Type and the method back as JSON. */
function echo(): void {
  server.use(
    http.all("https://api.test/echo", async ({ request }) =>
      HttpResponse.json({ method: request.method, type: request.headers.get("content-type"), body: await request.text() }),
    ),
  );
}
const api = () => createClient({ baseUrl: "https://api.test" });
type Echo = { method: string; type: string | null; body: string };

describe("json and body", () => {
  it("sends `json` serialised with Content-Type: application/json", async () => {
    echo();
    const out = await api().post("echo", { json: { a: 1, b: [true, null], s: "é" } }).json<Echo>();
    expect(out).toEqual({ method: "POST", type: "application/json", body: '{"a":1,"b":[true,null],"s":"é"}' });
  });

  it("keeps a Content-Type the caller set for `json`", async () => {
    echo();
    const out = await api().put("echo", { json: { a: 1 }, headers: { "Content-Type": "application/merge-patch+json" } }).json<Echo>();
    expect(out.type).toBe("application/merge-patch+json");
  });

  it("sends falsy json values (0, false, null, empty string)", async () => {
    echo();
    const bodies = [];
    for (const json of [0, false, null, ""]) bodies.push((await api().post("echo", { json }).json<Echo>()).body);
    expect(bodies).toEqual(["0", "false", "null", '""']);
  });

  it("sends a string body as is", async () => {
    echo();
    const out = await api().post("echo", { body: "plain words", headers: { "content-type": "text/plain" } }).json<Echo>();
    expect(out.body).toBe("plain words");
    expect(out.type).toBe("text/plain");
  });

  it("sends bytes, a Blob, URLSearchParams and FormData", async () => {
    echo();
    expect((await api().post("echo", { body: new TextEncoder().encode("bytes!") }).json<Echo>()).body).toBe("bytes!");
    expect((await api().post("echo", { body: new Blob(["blob!"]) }).json<Echo>()).body).toBe("blob!");
    const form = await api().post("echo", { body: new URLSearchParams({ a: "1", b: "x y" }) }).json<Echo>();
    expect(form.body).toBe("a=1&b=x+y");
    expect(form.type).toMatch(/^application\/x-www-form-urlencoded/);
    const data = new FormData();
    data.set("field", "value");
    const multipart = await api().post("echo", { body: data }).json<Echo>();
    expect(multipart.type).toMatch(/^multipart\/form-data; boundary=/);
    expect(multipart.body).toContain("value");
  });

  it("sends a ReadableStream body", async () => {
    echo();
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode("chunk1 "));
        c.enqueue(new TextEncoder().encode("chunk2"));
        c.close();
      },
    });
    expect((await api().post("echo", { body }).json<Echo>()).body).toBe("chunk1 chunk2");
  });

  it("rejects `json` together with `body` with a TypeError naming both, sending nothing", async () => {
    echo();
    const pending = api().post("echo", { json: { a: 1 }, body: "x" });
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/json/);
    expect((error as Error).message).toMatch(/body/);
    expect(seen).toHaveLength(0);
  });

  it("re-sends a replayable body on every attempt", async () => {
    let n = 0;
    const bodies: string[] = [];
    server.use(
      http.put("https://api.test/echo", async ({ request }) => {
        bodies.push(await request.text());
        return ++n < 3 ? new HttpResponse(null, { status: 500 }) : HttpResponse.text("ok");
      }),
    );
    await api().put("echo", { json: { v: 1 }, retry: { minDelay: 1, maxDelay: 1 } });
    expect(bodies).toEqual(['{"v":1}', '{"v":1}', '{"v":1}']);
  });
});
