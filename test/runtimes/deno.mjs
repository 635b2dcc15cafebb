// Conformance on Deno (node_modules/@deno/linux-x64-glibc/deno), importing dist/index.js.
//   node test/runtimes/deno.mjs [--grep re]
import { mkdirSync } from "node:fs";
import path from "node:path";
import { ROOT, runChild, suiteEnv, standalone } from "./common.mjs";

export const DENO = path.join(ROOT, "node_modules/@deno/linux-x64-glibc/deno");

export async function run(server, options = {}) {
  const denoDir = path.join(ROOT, ".tmp/deno-dir");
  mkdirSync(denoDir, { recursive: true });
  const env = suiteEnv(server, "deno", options);
  const hosts = [new URL(server.url).host, new URL(server.altUrl).host, new URL(server.refusedUrl).host].join(",");
  const args = ["run", "--no-config", "--no-lock", `--allow-net=${hosts}`, `--allow-read=${ROOT}`, path.join(ROOT, "test/runtimes/child.mjs"), JSON.stringify(env)];
  return [await runChild("Deno", "deno", DENO, args, { env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1", DENO_DIR: denoDir }, verbose: options.verbose })];
}

await standalone(import.meta.url, run);
