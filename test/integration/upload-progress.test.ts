/**
 * onUploadProgress on a real socket: where the runtime streams uploads (Node here), the body
 * goes as a counted stream and the server receives exactly the bytes fetch would have sent.
 */
import { describe, expect, test } from "vitest";
import type { Progress } from "../../src/index.js";
import { QUICK_RETRY, useClients } from "./support/clients.js";
import { readBody, useServer, within } from "./support/server.js";
import { trackUpload } from "../../src/index.js";

const srv = useServer();
const client = useClients(srv);

describe("onUploadProgress", { timeout: 10_000 }, () => {
  test("reports increasing loaded up to total for a 300 KB JSON body, and the server gets it whole", async () => {
    let received: Buffer | undefined;
    let contentType: string | undefined;
    srv().route("/upload", async (req, res) => {
      contentType = req.headers["content-type"];
      received = await readBody(req);
      res.writeHead(201).end("stored");
    });
    const payload = { blob: "x".repeat(300_000) };
    const events: Progress[] = [];
    const text = await within(client().post("upload", { json: payload, onUploadProgress: trackUpload((p) => events.push(p)) }).text(), 5_000, "upload");
    expect(text).toBe("stored");
    expect(received!.toString()).toBe(JSON.stringify(payload));
    expect(contentType).toBe("application/json");
    const total = Buffer.byteLength(JSON.stringify(payload));
    expect(events.length).toBeGreaterThan(2);
    expect(events.every((e) => e.total === total)).toBe(true);
    expect(events.map((e) => e.loaded)).toEqual([...events.map((e) => e.loaded)].sort((a, b) => a - b));
    expect(events.at(-1)).toEqual({ loaded: total, total, percent: 100 });
  });

  test("keeps the FormData boundary and is sent again, counted from 0, on a retry", async () => {
    const bodies: string[] = [];
    srv().route("/form", async (req, res, hit) => {
      const body = (await readBody(req)).toString();
      bodies.push(`${req.headers["content-type"]}\n${body}`);
      if (hit.n === 1) res.writeHead(503).end("busy");
      else res.writeHead(200).end("ok");
    });
    const form = new FormData();
    form.set("name", "Ada");
    const events: Progress[] = [];
    await within(client({ retry: QUICK_RETRY }).put("form", { body: form, onUploadProgress: trackUpload((p) => events.push(p)) }).text(), 5_000, "form upload");
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toBe(bodies[1]);
    const [type, body] = [bodies[0]!.split("\n")[0]!, bodies[0]!.slice(bodies[0]!.indexOf("\n") + 1)];
    const boundary = /boundary=(.+)$/.exec(type)![1]!;
    expect(body).toContain(`--${boundary}`);
    expect(body).toContain('name="name"');
    expect(events.filter((e) => e.percent === 100)).toHaveLength(2);
  });
});
