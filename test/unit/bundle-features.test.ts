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
