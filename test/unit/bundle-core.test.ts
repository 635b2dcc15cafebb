// What an app on createCoreClient bundles: esbuild (minified, no code splitting, as wrangler and
// single-file builds bundle) over src/, and the modules that put bytes in the output. None of the
// full client's features may be there: the decoders, ResponsePromise, SSE reconnection, paginate,
// json(schema) and upload progress (XMLHttpRequest, counted streams). The same apps on
// createClient hold every one of them, so the check can fail. scripts/check-size.mjs holds the
// sizes; this holds what is in them.
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

/** The modules of the full client's features, each as a path prefix. */
const FEATURES = [
  "src/decode/",
  "src/pipeline/response.ts",
  "src/pipeline/event-stream-check.ts",
  "src/features/sse-reconnect.ts",
  "src/features/paginate.ts",
  "src/features/schema.ts",
  "src/errors/validation-error.ts",
  "src/http/upload-progress.ts",
  "src/http/xhr-fetch.ts",
  "src/full-client.ts",
];
const featuresIn = (modules: string[]) => FEATURES.filter((f) => modules.some((m) => m.startsWith(f)));

const APPS = {
  "one JSON request": (factory: string) => `import { ${factory} } from "tierfetch"; const api = ${factory}({ baseUrl: "https://api.example.com/" }); console.log(await api.get("users/1").json());`,
  "api.fetch, extend, close and every buffered shortcut": (factory: string) =>
    `import { ${factory} } from "tierfetch"; const api = ${factory}().extend({ headers: { "x-a": "1" } });
     const p = api.post("https://a.test/", { json: {} }); console.log(await p.text(), await p.bytes(), await p.blob(), await p.arrayBuffer(), await api.fetch("https://a.test/"));
     await api.close();`,
};

describe("createCoreClient bundles none of createClient's features", () => {
  it.each(Object.keys(APPS))("%s", async (app) => {
    const make = APPS[app as keyof typeof APPS];
    const core = await bundled(make("createCoreClient"));
    expect(core).toContain("src/core.ts");
    expect(featuresIn(core)).toEqual([]);
    // The control: the same app on createClient holds them all.
    expect(featuresIn(await bundled(make("createClient")))).toEqual(FEATURES);
  });
});
