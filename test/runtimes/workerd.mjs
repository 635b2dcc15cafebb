// Conformance on Cloudflare workerd through Miniflare. The worker is made of the real files:
// dist/index.js (the bundled ESM build, unchanged), the harness and the suite; the suite runs
// inside one fetch event and its outbound fetches reach the loopback server.
//   node test/runtimes/workerd.mjs [--grep re]
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ROOT, suiteEnv, standalone, brokenReport, RUNTIME_TIMEOUT_MS } from "./common.mjs";

const COMPATIBILITY_DATE = "2026-04-01";

// "static": the worker imports dist/index.js at its top level, as a real Worker would.
// "dynamic": it imports dist/index.js inside the fetch handler: the fallback that still runs
// the suite when the library cannot even be evaluated at a Worker's top level (reported).
function entrySource(mode) {
  const lib =
    mode === "smoke"
      ? ["", "null", "undefined"]
      : mode === "static"
        ? ['import * as lib from "./dist/index.js";\nimport * as otel from "./dist/otel-tracing.js";', "lib", "otel"]
        : ["", 'await import("./dist/index.js")', 'await import("./dist/otel-tracing.js")'];
  return `import { createHarness } from "./test/conformance/harness.js";
import { defineSuite, defineSmoke } from "./test/conformance/suite.js";
${lib[0]}
export default { async fetch(request) {
  const env = await request.json();
  const h = createHarness({ timeout: env.testTimeout, filter: env.filter });
  if (env.smoke) defineSmoke(h, env); else defineSuite(h, ${lib[1]}, env, { otel: ${lib[2]} });
  return new Response(JSON.stringify(await h.run()));
} };`;
}

export async function run(server, options = {}) {
  const version = `workerd ${readPkgVersion("workerd")}`;
  const runtime = `workerd (Miniflare ${readPkgVersion("miniflare")})`;
  const started = Date.now();
  const env = suiteEnv(server, "workerd", options);
  if (options.smoke) {
    const out = await runWorker("smoke", env);
    return [out.report ? { runtime, version, ...out.report, ms: Date.now() - started } : brokenReport(runtime, version, out.error)];
  }
  let out = await runWorker("static", env);
  let loadFailure = null;
  if (!out.report && /failed to start|global scope|Uncaught/i.test(String(out.error?.message ?? out.error) + out.log)) {
    loadFailure = `${String(out.error?.message ?? out.error)} ${out.log.trim().split("\n").slice(0, 4).join(" ")}`.trim();
    out = await runWorker("dynamic", env);
  }
  if (!out.report) return [brokenReport(runtime, version, loadFailure ?? out.error)];
  const report = out.report;
  const loadCheck = {
    name: "workerd: dist/index.js can be imported at a Worker's top level",
    status: loadFailure ? "failed" : "passed",
    ms: 0,
    ...(loadFailure ? { error: `${loadFailure} (the rest of the suite ran with a dynamic import inside the handler)` } : {}),
  };
  report.results.unshift(loadCheck);
  if (loadFailure) report.failed++;
  else report.passed++;
  return [{ runtime, version, ...report, ms: Date.now() - started }];
}

/** Starts one Miniflare with the given entry mode, runs the suite, disposes. */
async function runWorker(mode, env) {
  let mf;
  let log = "";
  const { Miniflare, Log, LogLevel } = await import("miniflare");
  // dist/index.js and the chunks it imports (statically, and with import() for the lazy part).
  const distDir = mode === "smoke" ? null : path.dirname(fileURLToPath(env.distEsm));
  const distFiles = distDir ? readdirSync(distDir).filter((f) => f.endsWith(".js")).map((f) => `dist/${f}`) : [];
  const files = ["test/conformance/harness.js", "test/conformance/suite.js", "test/conformance/differential.js", ...distFiles];
  // workerd's own stderr (e.g. "Uncaught Error ... in global scope") is collected, not printed.
  class CollectingLog extends Log {
    constructor() {
      super(LogLevel.WARN);
    }
    log(message) {
      log += `${message}\n`;
    }
  }
  try {
    mf = new Miniflare({
      modulesRoot: ROOT,
      modules: [
        { type: "ESModule", path: path.join(ROOT, "conformance-worker.mjs"), contents: entrySource(mode) },
        ...files.map((f) => ({ type: "ESModule", path: path.join(ROOT, f), contents: readFileSync(f.startsWith("dist/") ? path.join(distDir, f.slice(5)) : path.join(ROOT, f), "utf8") })),
      ],
      compatibilityDate: COMPATIBILITY_DATE,
      cf: false, // never fetch the Request.cf placeholder from workers.cloudflare.com
      log: new CollectingLog(),
      handleRuntimeStdio(stdout, stderr) {
        stdout.on("data", (b) => (log += b));
        stderr.on("data", (b) => (log += b));
      },
    });
    let timer;
    const res = await Promise.race([
      mf.dispatchFetch("http://conformance.local/", { method: "POST", body: JSON.stringify(env) }),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no report after ${RUNTIME_TIMEOUT_MS} ms`)), RUNTIME_TIMEOUT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    const text = await res.text();
    if (res.status !== 200) throw new Error(`worker answered ${res.status}: ${text.slice(0, 500)}`);
    return { report: JSON.parse(text), log };
  } catch (error) {
    return { error, log };
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
