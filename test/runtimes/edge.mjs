// Conformance on Vercel's edge-runtime (the EdgeRuntime VM, where AbortSignal.any does not
// exist). It runs scripts, not modules, so harness + suite + dist/index.js (its snapshot) are bundled by
// esbuild into one IIFE evaluated as the runtime's initial code.
//   node test/runtimes/edge.mjs [--grep re]
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ROOT, OTEL_FIXTURE, suiteEnv, standalone, brokenReport, RUNTIME_TIMEOUT_MS } from "./common.mjs";

export async function bundle(smoke, distEsmUrl) {
  const esbuild = await import("esbuild");
  const contents = `import { createHarness } from "./test/conformance/harness.js";
import { defineSuite, defineSmoke } from "./test/conformance/suite.js";
${smoke ? "const lib = null;" : `import * as lib from ${JSON.stringify(fileURLToPath(distEsmUrl))};`}
${smoke ? "const otel = undefined;" : `import * as otel from ${JSON.stringify(path.join(path.dirname(fileURLToPath(distEsmUrl)), OTEL_FIXTURE))};`}
globalThis.__conformance = async (envJson) => {
  const env = JSON.parse(envJson);
  const h = createHarness({ timeout: env.testTimeout, filter: env.filter });
  if (env.smoke) defineSmoke(h, env); else defineSuite(h, lib, env, { otel });
  return JSON.stringify(await h.run());
};`;
  const result = await esbuild.build({
    stdin: { contents, resolveDir: ROOT, sourcefile: "edge-entry.js", loader: "js" },
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0].text;
}

export async function run(server, options = {}) {
  const pkg = (name) => JSON.parse(readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")).version;
  const version = `edge-runtime ${pkg("edge-runtime")}`;
  const runtime = "Vercel edge-runtime";
  const started = Date.now();
  try {
    const { EdgeRuntime } = await import("edge-runtime");
    const env = suiteEnv(server, "edge", options);
    const rt = new EdgeRuntime({ initialCode: await bundle(options.smoke, env.distEsm) });
    let timer;
    const text = await Promise.race([
      rt.evaluate(`__conformance(${JSON.stringify(JSON.stringify(env))})`),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no report after ${RUNTIME_TIMEOUT_MS} ms`)), RUNTIME_TIMEOUT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    return [{ runtime, version, ...JSON.parse(text), ms: Date.now() - started }];
  } catch (error) {
    return [brokenReport(runtime, version, error)];
  }
}

await standalone(import.meta.url, run);
