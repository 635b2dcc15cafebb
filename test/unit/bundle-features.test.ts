// What an app on createClient bundles: esbuild (minified, no code splitting, as wrangler and
// single-file builds bundle) over src/, and the modules that put bytes in the output. None of the
// features an app imports on purpose may be there unless it imports them: the decoders, SSE
// reconnection, paginate, validateJson and upload progress (XMLHttpRequest, counted streams).
// The same app importing them holds every one of them, so the check can fail.
// scripts/check-size.mjs holds the sizes; this holds what is in them.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
// @ts-expect-error a plain .mjs of the bench, without declarations
import { measure } from "../../bench/size.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The src/ modules that put bytes into the bundle of `source` (the size bench's esbuild build, over src/). */
async function bundled(source: string): Promise<string[]> {
  const { metafile } = await measure(source, { splitting: false, pkgDir: ROOT, alias: { tierfetch: `${ROOT}src/index.ts` } });
  const output = Object.values(metafile.outputs as Record<string, { entryPoint?: string; inputs: Record<string, { bytesInOutput: number }> }>).find((o) => o.entryPoint)!;
  return Object.entries(output.inputs)
    .filter(([, v]) => v.bytesInOutput > 0)
    .map(([file]) => file.replace(/^.*?src\//, "src/"));
}

/** The modules of the features, each as a path prefix. */
const FEATURES = [
  "src/decode/",
  "src/pipeline/event-stream-check.ts",
  "src/features/pending-response.ts",
  "src/features/read-lines.ts",
  "src/features/sse-request.ts",
  "src/features/sse-reconnect.ts",
  "src/features/paginate.ts",
  "src/features/schema.ts",
  "src/errors/validation-error.ts",
  "src/features/track-upload.ts",
  "src/http/upload-progress.ts",
  "src/http/xhr-fetch.ts",
];
const featuresIn = (modules: string[]) => FEATURES.filter((f) => modules.some((m) => m.startsWith(f)));

/** Every feature, used: the control app's extra imports and lines. */
const USE_FEATURES = {
  imports: ", lines, ndjson, sse, paginate, validateJson, trackUpload",
  code: `
     for await (const l of lines(api.get("l"))) console.log(l);
     for await (const r of ndjson(api.get("n"))) console.log(r);
     for await (const e of sse(api.get("e"), { reconnect: true })) console.log(e);
     for await (const u of paginate(api, "u")) console.log(u);
     console.log(await validateJson(api.get("j"), globalThis.schema));
     await api.post("f", { body: "x", onUploadProgress: trackUpload(console.log) });`,
};

const APPS = {
  "one JSON request": (extra = { imports: "", code: "" }) => `import { createClient${extra.imports} } from "tierfetch"; const api = createClient({ baseUrl: "https://api.example.com/" }); console.log(await api.get("users/1").json());${extra.code}`,
  "api.fetch, extend, close and every buffered shortcut": (extra = { imports: "", code: "" }) =>
    `import { createClient${extra.imports} } from "tierfetch"; const api = createClient().extend({ headers: { "x-a": "1" } });
     const p = api.post("https://a.test/", { json: {} }); console.log(await p.text(), await p.bytes(), await p.blob(), await p.arrayBuffer(), await api.fetch("https://a.test/"));${extra.code}
     await api.close();`,
};

describe("createClient bundles none of the features an app does not import", () => {
  it.each(Object.keys(APPS))("%s", async (app) => {
    const make = APPS[app as keyof typeof APPS];
    const plain = await bundled(make());
    expect(plain).toContain("src/client.ts");
    expect(featuresIn(plain)).toEqual([]);
    // The control: the same app importing the features holds them all.
    expect(featuresIn(await bundled(make(USE_FEATURES)))).toEqual(FEATURES);
  });
});

/**
 * What only SSE reconnection needs of the client: its retry rule (decision, budget, Retry-After,
 * sleep), the error classes it tells failures apart by, and the client itself. Reconnection gets
 * them through the capability a client's promise hands over, so an app that only decodes
 * (a Worker relaying an upstream stream) bundles none of them.
 */
const RECONNECTION_NEEDS = [
  "src/client.ts",
  "src/pipeline/response.ts",
  "src/pipeline/retry-rule.ts",
  "src/pipeline/call.ts",
  "src/resilience/retry-decision.ts",
  "src/resilience/retry-budget.ts",
  "src/resilience/retry-after.ts",
  "src/resilience/retry.ts",
  "src/errors/http-error.ts",
  "src/errors/network-error.ts",
  "src/errors/timeout-error.ts",
  "src/security/secrets.ts",
];
const needsIn = (modules: string[]) => RECONNECTION_NEEDS.filter((f) => modules.includes(f));

describe("an app that only decodes reaches none of reconnection's needs", () => {
  it("lines, ndjson and sse over a Response", async () => {
    const modules = await bundled(`import { lines, ndjson, sse } from "tierfetch"; const res = await fetch("https://a.test/");
      for await (const e of sse(res)) console.log(e, lines, ndjson);`);
    expect(modules).toContain("src/decode/sse.ts");
    expect(needsIn(modules)).toEqual([]);
    // The control: an app that reconnects holds every one of them.
    const reconnecting = await bundled(`import { createClient, sse } from "tierfetch"; const api = createClient();
      for await (const e of sse(api.get("https://a.test/"), { reconnect: true })) console.log(e);`);
    expect(needsIn(reconnecting)).toEqual(RECONNECTION_NEEDS);
  });
});
