// The Node binaries the bench measures: this one, and the project's pinned Node 22
// (runtimes/node_modules/node22, installed by scripts/install-runtimes.sh when missing) when this
// one is not a 22.
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const NODE22 = `${ROOT}runtimes/node_modules/node22/bin/node`;

/** @returns {string[]} paths of Node binaries, this process's first */
export function nodeBinaries() {
  const bins = [process.execPath];
  if (process.versions.node.split(".")[0] !== "22") {
    if (!existsSync(NODE22)) spawnSync("bash", [`${ROOT}scripts/install-runtimes.sh`], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"], timeout: 300_000 });
    if (existsSync(NODE22)) bins.push(NODE22);
  }
  return bins;
}
