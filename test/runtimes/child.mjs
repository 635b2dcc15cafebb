// Runs the conformance suite inside the current process; works under Node (18+), Deno and Bun.
//   <runtime> test/runtimes/child.mjs '<env json>'
// env: suiteEnv() of common.mjs plus `variant`: "esm" (import env.distEsm, a snapshot of
// dist/index.js) or "cjs" (require env.distCjs, of dist/index.cjs). Prints one line:
// @@CONFORMANCE@@{report}.
import { createHarness } from "../conformance/harness.js";
import { defineSuite, defineSmoke } from "../conformance/suite.js";

const args = globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2);
const env = JSON.parse(args[0]);

let lib;
// The tracing checks' OpenTelemetry SDK (a missing one fails those checks, saying so).
const otel = env.otelFixture && !env.smoke ? await import(env.otelFixture).catch(() => undefined) : undefined;
if (env.smoke) {
  // plumbing only: no dist needed
} else if (env.variant === "cjs") {
  const { createRequire } = await import("node:module");
  lib = createRequire(import.meta.url)(env.distCjs);
} else {
  lib = await import(env.distEsm);
}

const version = globalThis.Deno ? `deno ${globalThis.Deno.version.deno}` : globalThis.Bun ? `bun ${globalThis.Bun.version}` : `node ${process.version.slice(1)}`;
const h = createHarness({ timeout: env.testTimeout ?? 5000, filter: env.filter });
if (env.smoke) defineSmoke(h, env);
else defineSuite(h, lib, env, { otel });
const report = await h.run({
  onResult: env.verbose ? (r) => console.error(`${r.status === "passed" ? "ok" : r.status} ${r.name}${r.error ? ` — ${r.error}` : ""}`) : undefined,
});
console.log("@@CONFORMANCE@@" + JSON.stringify({ version, ...report }));
// Leftover sockets or timers of a failed test must not keep the process alive.
if (globalThis.Deno) globalThis.Deno.exit(0);
else process.exit(0);
