// Conformance on Bun (node_modules/@oven/bun-linux-x64/bin/bun), importing dist/index.js.
//   node test/runtimes/bun.mjs [--grep re]
import path from "node:path";
import { ROOT, runChild, suiteEnv, standalone } from "./common.mjs";

export const BUN = path.join(ROOT, "node_modules/@oven/bun-linux-x64/bin/bun");

export async function run(server, options = {}) {
  const env = suiteEnv(server, "bun", options);
  const args = ["run", "--no-install", path.join(ROOT, "test/runtimes/child.mjs"), JSON.stringify(env)];
  return [await runChild("Bun", "bun", BUN, args, { env: { BUN_RUNTIME_TRANSPILER_CACHE_PATH: "0", DO_NOT_TRACK: "1" }, verbose: options.verbose })];
}

await standalone(import.meta.url, run);
