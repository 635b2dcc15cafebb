// Shared plumbing of the conformance runners: paths, the report protocol of child processes,
// and the standalone entry of each runner (`node test/runtimes/<runtime>.mjs [--grep re]`).
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const DIST_ESM = path.join(ROOT, "dist/index.js");
export const DIST_CJS = path.join(ROOT, "dist/index.cjs");
export const MARKER = "@@CONFORMANCE@@";
/**
 * The OpenTelemetry SDK's tracer pieces (BasicTracerProvider, InMemorySpanExporter,
 * SimpleSpanProcessor) bundled into one ESM file next to the dist snapshot, so the tracing
 * checks run the real SDK in every runtime: each runner loads it as it loads dist/index.js.
 */
export const OTEL_FIXTURE = "otel-tracing.js";
/** Per-test timeout inside every runtime. */
export const TEST_TIMEOUT_MS = 5000;
/** Hard limit of one runtime's whole run. */
export const RUNTIME_TIMEOUT_MS = 120_000;

/** The env object handed to defineSuite(). */
export function suiteEnv(server, runtime, options = {}, extra = {}) {
  return {
    serverUrl: server.url,
    altUrl: server.altUrl,
    refusedUrl: server.refusedUrl,
    runtime,
    id: `${runtime}-${extra.variant ?? "esm"}-${Math.random().toString(36).slice(2, 8)}`,
    filter: options.filter ?? null,
    verbose: Boolean(options.verbose),
    smoke: Boolean(options.smoke),
    testTimeout: TEST_TIMEOUT_MS,
    distEsm: server.dist ? pathToFileURL(server.dist.esm).href : pathToFileURL(DIST_ESM).href,
    distCjs: server.dist ? server.dist.cjs : DIST_CJS,
    otelFixture: server.dist ? pathToFileURL(path.join(server.dist.dir, OTEL_FIXTURE)).href : null,
    ...extra,
  };
}

/** A report for a runtime that could not run at all: counts as one failure. */
export function brokenReport(runtime, version, error) {
  const message = error instanceof Error ? error.message : String(error);
  return {
    runtime,
    version: version ?? "?",
    passed: 0,
    failed: 1,
    skipped: 0,
    ms: 0,
    results: [{ name: "runtime could start and run the suite", status: "failed", ms: 0, error: message.split("\n").slice(0, 6).join("\n") }],
  };
}

/**
 * Runs a child process that prints `@@CONFORMANCE@@{report}` as its last such line.
 * Resolves to the parsed report (stderr tail attached on failure), never rejects.
 */
export function runChild(runtime, version, cmd, args, options = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b) => (stdout += b));
    child.stderr.on("data", (b) => {
      if (options.verbose) process.stderr.write(b);
      stderr += b;
      if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeout ?? RUNTIME_TIMEOUT_MS);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve(brokenReport(runtime, version, error));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split("\n").reverse().find((l) => l.startsWith(MARKER));
      if (!line) {
        const why = signal === "SIGKILL" ? `killed after ${options.timeout ?? RUNTIME_TIMEOUT_MS} ms` : `exited with ${code ?? signal} and no report`;
        resolve(brokenReport(runtime, version, `${why}\n${(stderr || stdout).trim().split("\n").slice(-8).join("\n")}`));
        return;
      }
      const report = JSON.parse(line.slice(MARKER.length));
      resolve({ runtime, version: report.version ?? version, ...report, ms: Date.now() - started });
    });
  });
}

/** Prints the failures of one report (the table is printed by run-all). */
export function printReport(report, out = console.log) {
  const skipped = report.skipped ? `, ${report.skipped} skipped` : "";
  out(`${report.failed ? "FAIL" : "ok  "} ${report.runtime} (${report.version}): ${report.passed} passed, ${report.failed} failed${skipped} in ${(report.ms / 1000).toFixed(1)} s`);
  for (const r of report.results ?? []) {
    if (r.status === "failed") out(`     ✗ ${r.name}\n       ${String(r.error).replace(/\n/g, "\n       ")}`);
  }
}

export function parseArgs(argv = process.argv.slice(2)) {
  const at = argv.indexOf("--grep");
  const only = argv.indexOf("--only");
  return {
    filter: at >= 0 ? argv[at + 1] : null,
    only: only >= 0 ? argv[only + 1].split(",") : null,
    verbose: argv.includes("--verbose"),
    smoke: argv.includes("--smoke"),
  };
}

/**
 * The file the package's `exports["."]` gives a runtime that resolves `conditions` (in the
 * order package.json lists them, as Node and bundlers match them), e.g. ["browser", "import"].
 */
export function exportedFile(conditions) {
  let target = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).exports["."];
  while (typeof target === "object") {
    const key = Object.keys(target).find((k) => k === "default" || conditions.includes(k));
    if (!key) throw new Error(`package.json exports["."] has nothing for ${conditions.join(", ")}`);
    target = target[key];
  }
  return target;
}

export function requireDist() {
  for (const file of [DIST_ESM, DIST_CJS]) {
    if (!existsSync(file)) throw new Error(`${path.relative(ROOT, file)} is missing: run \`npx tsup\` first`);
  }
}

/**
 * Copies dist/index.js, dist/index.cjs and their chunks to a private directory so that every runtime of one
 * run tests the same build, even if dist/ is rebuilt meanwhile (tsup cleans dist/ first). Waits
 * up to `waitMs` for a build in progress to finish. Returns { dir, esm, cjs, remove() }.
 */
export async function snapshotDist(waitMs = 30_000) {
  const end = Date.now() + waitMs;
  const sizes = () => [DIST_ESM, DIST_CJS].map((f) => (existsSync(f) ? statSync(f).size : -1)).join();
  for (;;) {
    const before = sizes();
    if (!before.includes("-1")) {
      await new Promise((r) => setTimeout(r, 150));
      if (sizes() === before) break; // not being written right now
    } else if (Date.now() > end) {
      requireDist(); // throws the clear message
    } else {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const dir = path.join(ROOT, `.tmp/conformance-dist-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const esm = path.join(dir, "index.js");
  const cjs = path.join(dir, "index.cjs");
  // The entry files and the chunks they load (the lazy decoders chunk among them).
  for (const file of readdirSync(path.dirname(DIST_ESM))) {
    if (/\.c?js$/.test(file) && file !== "cli.js") copyFileSync(path.join(path.dirname(DIST_ESM), file), path.join(dir, file));
  }
  await writeOtelFixture(dir);
  return { dir, esm, cjs, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Bundles the OpenTelemetry fixture into `dir` (esbuild, platform browser: what every runtime can load). */
export async function writeOtelFixture(dir) {
  const esbuild = await import("esbuild");
  await esbuild.build({
    stdin: { contents: 'export { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";', resolveDir: ROOT, sourcefile: "otel-fixture.js", loader: "js" },
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    outfile: path.join(dir, OTEL_FIXTURE),
    logLevel: "silent",
  });
}

/**
 * Standalone mode of a runner module: start a server, run, print, exit with 1 on failure.
 * `run(server, options)` returns a list of reports.
 */
export async function standalone(moduleUrl, run) {
  if (!process.argv[1] || pathToFileURL(path.resolve(process.argv[1])).href !== moduleUrl) return;
  const { startServer } = await import("../support/conformance-server.mjs");
  const options = parseArgs();
  const dist = options.smoke ? null : await snapshotDist();
  const server = await startServer({ distDir: dist?.dir });
  server.dist = dist;
  let failed = 0;
  let passed = 0;
  try {
    for (const report of await run(server, options)) {
      printReport(report);
      passed += report.passed;
      failed += report.failed;
    }
  } finally {
    await server.close();
    dist?.remove();
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
