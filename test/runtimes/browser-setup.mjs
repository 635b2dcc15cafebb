// globalSetup of playwright.config.ts. Under run-all.mjs the server is given (ENV.server) and
// this does nothing. Alone (`npx playwright test`), it builds dist/ when it is missing or older
// than src/, snapshots it (with the OpenTelemetry fixture), starts the conformance server on
// 127.0.0.1 and stops it at the end.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { ROOT, snapshotDist } from "./common.mjs";
import { ENV } from "./browser.mjs";

export default async function globalSetup() {
  if (process.env[ENV.server]) return undefined;
  buildIfStale();
  const { startServer } = await import("../support/conformance-server.mjs");
  // A snapshot of dist/, as run-all serves: it holds the tracing checks' OpenTelemetry fixture too.
  const dist = await snapshotDist();
  const server = await startServer({ distDir: dist.dir });
  process.env[ENV.server] = JSON.stringify({ url: server.url, altUrl: server.altUrl, refusedUrl: server.refusedUrl });
  return async () => {
    await server.close();
    dist.remove();
  };
}

function buildIfStale() {
  const built = ["dist/index.js", "dist/index.cjs", "dist/index.browser.js"].map((f) => path.join(ROOT, f));
  const builtAt = Math.min(...built.map((f) => (existsSync(f) ? statSync(f).mtimeMs : 0)));
  if (builtAt > newest(path.join(ROOT, "src"))) return;
  console.log(`building dist/ (${builtAt ? "src/ is newer" : "missing"}): tsup`);
  const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules/tsup/dist/cli-default.js")], { cwd: ROOT, stdio: "inherit" });
  if (r.status !== 0) throw new Error("tsup failed: the browsers test dist/, fix the build first");
}

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return latest;
}
