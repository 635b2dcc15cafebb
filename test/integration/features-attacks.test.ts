/**
 * Imported features under attack, against a real loopback server: validateJson given a bad
 * schema must refuse before anything is sent (as every bad option does), and readers given a
 * client's request must leave nothing open however they end.
 */
import { describe, expect, test } from "vitest";
import { lines, ndjson, sse, validateJson } from "../../src/index.js";
import { useClients } from "./support/clients.js";
import { rejection, useServer } from "./support/server.js";

const srv = useServer();
const client = useClients(srv);

describe("validateJson: a bad schema is bad input", () => {
  // On 9f43a74 the schema was checked only after the body had been fetched: the request went out.
  test.each([
    ["{}", {}],
    ["null", null],
    ['{"~standard": {}}', { "~standard": {} }],
    ["validate not a function", { "~standard": { version: 1, vendor: "x", validate: "no" } }],
  ])("%s: a TypeError naming schema, nothing sent", async (_name, schema) => {
    srv().route("/j", (_req, res) => void res.writeHead(200, { "content-type": "application/json" }).end('{"a":1}'));
    const error = await rejection(validateJson(client().get("j"), schema as never));
    expect(error).toBeInstanceOf(TypeError);
    expect(String(error)).toMatch(/schema/);
    await new Promise((r) => setTimeout(r, 50));
    expect(srv().hitsOf("/j")).toHaveLength(0);
  });

  test("a bad schema with a Response: the TypeError, the body left unread", async () => {
    const response = new Response('{"a":1}');
    await expect(validateJson(response, {} as never)).rejects.toThrow(TypeError);
    expect(response.bodyUsed).toBe(false);
  });
});

describe("readers leave nothing open", { timeout: 15_000 }, () => {
  test("lines(), ndjson(), sse() left before the first item, after one, or on a bad line: every connection closes", async () => {
    srv().route("/stream", (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write('data: {"a":1}\n\n{"b":2}\nnot json\n');
    });
    const api = client({ timeout: "none" });
    const early = lines(api.get("stream"));
    await srv().waitFor(() => srv().hitsOf("/stream").length === 1);
    await early.return!();
    for await (const _ of lines(api.get("stream"))) break;
    await rejection((async () => { for await (const _ of ndjson(api.get("stream"))) void _; })());
    for await (const _ of sse(api.get("stream"))) break;
    await srv().waitFor(() => srv().hitsOf("/stream").length === 4 && srv().inflight().length === 0, 3000, "every connection closed");
  });
});
