// The browser build (package.json exports, "browser" condition): chosen at build time, without the
// redirect follower. Which file each kind of bundler resolves, what the browser build leaves out,
// and how it sends (fetch follows redirects itself: no `redirect: "manual"`).
import { mkdirSync, rmSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as esbuild from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { browserModules } from "../../tsup.config.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TMP = `${ROOT}.tmp/browser-build-${process.pid}`;
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** A copy of package.json whose every exported file says its own name. */
function fakePackage(): string {
  // Outside the repository: inside it, "tierfetch" would resolve to the repository itself (a self-reference).
  const dir = `${tmpdir()}/tierfetch-exports-${process.pid}`;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(`${dir}/node_modules/tierfetch/dist`, { recursive: true });
  copyFileSync(`${ROOT}package.json`, `${dir}/node_modules/tierfetch/package.json`);
  for (const file of ["index.js", "index.browser.js"]) writeFileSync(`${dir}/node_modules/tierfetch/dist/${file}`, `export const build = ${JSON.stringify(file)};`);
  for (const file of ["index.cjs", "index.browser.cjs"]) writeFileSync(`${dir}/node_modules/tierfetch/dist/${file}`, `exports.build = ${JSON.stringify(file)};`);
  return dir;
}

async function resolved(dir: string, options: esbuild.BuildOptions, syntax: "import" | "require" = "import"): Promise<string> {
  const contents = syntax === "import" ? 'import { build } from "tierfetch"; console.log(build);' : 'console.log(require("tierfetch").build);';
  const out = await esbuild.build({ stdin: { contents, resolveDir: dir }, bundle: true, write: false, format: "esm", logLevel: "silent", ...options });
  return /"(index[\w.]*)"/.exec(out.outputFiles[0]!.text)![1]!;
}

describe("package.json exports: which build each bundler resolves", () => {
  const dir = fakePackage();
  it.each([
    ["a browser app bundler (browser, import)", { platform: "browser" }, "import", "index.browser.js"],
    ["a browser bundle with require()", { platform: "browser" }, "require", "index.browser.cjs"],
    ["wrangler (workerd, worker, browser): redirects are visible there", { platform: "browser", conditions: ["workerd", "worker"] }, "import", "index.js"],
    ["Vercel's edge (edge-light, worker, browser)", { platform: "browser", conditions: ["edge-light", "worker"] }, "import", "index.js"],
    ["a web-worker bundle (worker, browser): the default build, which tests for a browser at run time", { platform: "browser", conditions: ["worker"] }, "import", "index.js"],
    ["Node (node, import)", { platform: "node" }, "import", "index.js"],
    ["Node (node, require)", { platform: "node" }, "require", "index.cjs"],
    ["a neutral bundle (Deno, Bun, single-file builds)", { platform: "neutral", mainFields: ["module", "main"] }, "import", "index.js"],
  ] as const)("%s → dist/%s", async (_, options, syntax, file) => {
    expect(await resolved(dir, options as esbuild.BuildOptions, syntax)).toBe(file);
  });
});

/** The one-request app bundled from src/ (as tsup builds it: with or without the browser modules). */
async function bundle(browser: boolean) {
  return esbuild.build({
    entryPoints: [`${ROOT}src/index.ts`],
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    metafile: true,
    logLevel: "silent",
    plugins: browser ? [browserModules] : [],
  });
}
const modules = (result: esbuild.BuildResult & { metafile: esbuild.Metafile }) => Object.keys(result.metafile.inputs).map((f) => f.replace(/^.*?src\//, "src/"));

describe("the browser build", () => {
  it("leaves the redirect follower and the run-time browser test out; the default build keeps both", async () => {
    const browser = modules(await bundle(true));
    expect(browser).toContain("src/pipeline/redirects.browser.ts");
    expect(browser).toContain("src/http/runtime.browser.ts");
    expect(browser).not.toContain("src/pipeline/redirects.ts");
    expect(browser).not.toContain("src/http/runtime.ts");
    const all = modules(await bundle(false));
    expect(all).toContain("src/pipeline/redirects.ts");
    expect(all).not.toContain("src/pipeline/redirects.browser.ts");
  });

  it("lets fetch follow redirects (no redirect: \"manual\"), where the default build under Node follows them itself", async () => {
    mkdirSync(TMP, { recursive: true });
    const seen: Record<string, unknown[]> = {};
    for (const build of ["browser", "default"] as const) {
      const file = `${TMP}/${build}.mjs`;
      writeFileSync(file, (await bundle(build === "browser")).outputFiles[0]!.text);
      const lib = (await import(pathToFileURL(file).href)) as typeof import("../../src/index.js");
      const inits: unknown[] = (seen[build] = []);
      const fetch = async (_: Request | string, init?: RequestInit) => {
        inits.push(init?.redirect);
        return new Response(JSON.stringify({ ok: true }), { headers: { "content-type": "application/json" } });
      };
      const api = lib.createClient({ baseUrl: "https://api.example.com/", fetch });
      expect(await api.get("users/1").json()).toEqual({ ok: true });
    }
    expect(seen.browser).toEqual([undefined]);
    expect(seen.default).toEqual(["manual"]);
  });
});
