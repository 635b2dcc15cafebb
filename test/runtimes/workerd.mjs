// Conformance on Cloudflare workerd through Miniflare. The worker is made of the real files:
// dist/index.js (the bundled ESM build, unchanged), the harness and the suite; the suite runs
// inside one fetch event and its outbound fetches reach the loopback server.
//   node test/runtimes/workerd.mjs [--grep re]
import { readFileSync } from "node:fs";
import path from "node:path";
import { ROOT, suiteEnv, standalone, brokenReport, RUNTIME_TIMEOUT_MS } from "./common.mjs";

const COMPATIBILITY_DATE = "2026-04-01";

function entrySource(smoke) {
  return smoke
    ? `import { createHarness } from "./test/conformance/harness.js";
import { defineSmoke } from "./test/conformance/suite.js";
export default { async fetch(request) {
  const env = await request.json();
  const h = createHarness({ timeout: env.testTimeout, filter: env.filter });
  defineSmoke(h, env);
  return new Response(JSON.stringify(await h.run()));
} };`
    : `import { createHarness } from "./test/conformance/harness.js";
import { defineSuite } from "./test/conformance/suite.js";
import * as lib from "./dist/index.js";
export default { async fetch(request) {
  const env = await request.json();
  const h = createHarness({ timeout: env.testTimeout, filter: env.filter });
  defineSuite(h, lib, env);
  return new Response(JSON.stringify(await h.run()));
} };`;
}

export async function run(server, options = {}) {
  const version = `workerd ${readPkgVersion("workerd")}`;
  const runtime = `workerd (Miniflare ${readPkgVersion("miniflare")})`;
  let mf;
  const started = Date.now();
  try {
    const { Miniflare } = await import("miniflare");
    const files = ["test/conformance/harness.js", "test/conformance/suite.js", ...(options.smoke ? [] : ["dist/index.js"])];
    mf = new Miniflare({
      modulesRoot: ROOT,
      modules: [
        { type: "ESModule", path: path.join(ROOT, "conformance-worker.mjs"), contents: entrySource(options.smoke) },
        ...files.map((f) => ({ type: "ESModule", path: path.join(ROOT, f), contents: readFileSync(path.join(ROOT, f), "utf8") })),
      ],
      compatibilityDate: COMPATIBILITY_DATE,
      log: undefined,
    });
    const env = suiteEnv(server, "workerd", options);
    let timer;
    const res = await Promise.race([
      mf.dispatchFetch("http://conformance.local/", { method: "POST", body: JSON.stringify(env) }),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no report after ${RUNTIME_TIMEOUT_MS} ms`)), RUNTIME_TIMEOUT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    const text = await res.text();
    if (res.status !== 200) throw new Error(`worker answered ${res.status}: ${text.slice(0, 500)}`);
    const report = JSON.parse(text);
    return [{ runtime, version, ...report, ms: Date.now() - started }];
  } catch (error) {
    return [brokenReport(runtime, version, error)];
  } finally {
    await mf?.dispose().catch(() => {});
  }
}

function readPkgVersion(name) {
  try {
    return JSON.parse(readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")).version;
  } catch {
    return "?";
  }
}

await standalone(import.meta.url, run);
