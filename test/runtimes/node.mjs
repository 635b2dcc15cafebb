// Conformance on Node 18, 20 (this machine's) and 22, each through `import` (dist/index.js)
// and `require` (dist/index.cjs).
//   node test/runtimes/node.mjs [--only node18,node20,node22] [--grep re]
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { ROOT, runChild, suiteEnv, standalone, brokenReport } from "./common.mjs";

export const NODES = [
  { id: "node18", label: "Node 18", bin: path.join(ROOT, "runtimes/node_modules/node18/bin/node") },
  { id: "node20", label: "Node 20", bin: process.execPath },
  { id: "node22", label: "Node 22", bin: path.join(ROOT, "runtimes/node_modules/node22/bin/node") },
];

/** Installs runtimes/node_modules (Node 18 and 22) when it is missing. */
export function ensureNodes() {
  if (NODES.every((n) => existsSync(n.bin))) return null;
  const r = spawnSync("bash", [path.join(ROOT, "scripts/install-runtimes.sh")], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
  return r.status === 0 ? null : "scripts/install-runtimes.sh failed";
}

export async function run(server, options = {}, ids = NODES.map((n) => n.id)) {
  const installError = ensureNodes();
  const reports = [];
  for (const node of NODES.filter((n) => ids.includes(n.id))) {
    for (const variant of ["esm", "cjs"]) {
      const runtime = `${node.label} (${variant === "esm" ? "import" : "require"})`;
      if (!existsSync(node.bin)) {
        reports.push(brokenReport(runtime, "?", `${node.bin} missing${installError ? `: ${installError}` : ""}`));
        continue;
      }
      const env = suiteEnv(server, "node", options, { variant });
      reports.push(await runChild(runtime, node.id, node.bin, [path.join(ROOT, "test/runtimes/child.mjs"), JSON.stringify(env)], { env: { NODE_NO_WARNINGS: "1" }, verbose: options.verbose }));
    }
  }
  return reports;
}

await standalone(import.meta.url, (server, options) => run(server, options, options.only ?? NODES.map((n) => n.id)));
