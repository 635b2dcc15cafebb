#!/usr/bin/env node
// Packaging checks of the built package (run `npx tsup` first). Prints one line per check and
// the closing line `N passed, N failed`.
//
//   1. package.json: sideEffects false, exports with `types` first in each condition, files exist
//   2. npm pack of a clean copy of the tree (as a fresh clone): prepack builds dist/, and the
//      tarball holds the ESM and CJS builds (default and browser), both .d.ts, the CLI, LICENSE, README and nothing else
//   3. publint on that tarball: no error or warning
//   4. attw on that tarball: ESM and CJS type declarations resolve (every resolution mode)
//   5. Node 18: require("tierfetch") and import("tierfetch") by package name, from the packed tarball
//   6. the browser ESM bundles of dist/index.js and dist/index.browser.js: no node: import, no process/Buffer/require/... use
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TMP = path.join(ROOT, ".tmp/check-package");
const NODE18 = path.join(ROOT, "runtimes/node_modules/node18/bin/node");

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    const note = await fn();
    passed++;
    console.log(`ok   ${name}${note ? ` — ${note}` : ""}`);
  } catch (error) {
    failed++;
    console.log(`FAIL ${name}\n     ${String(error?.message ?? error).replace(/\n/g, "\n     ")}`);
  }
}
function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options });
  if (r.error) throw r.error;
  return r;
}

const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));

await check("dist is built (dist/index.js, index.cjs, index.d.ts, index.d.cts)", () => {
  const missing = ["dist/index.js", "dist/index.cjs", "dist/index.d.ts", "dist/index.d.cts"].filter((f) => !existsSync(path.join(ROOT, f)));
  if (missing.length) throw new Error(`missing ${missing.join(", ")}: run \`npx tsup\``);
});

await check('package.json: "sideEffects": false and exports with types conditions', () => {
  const problems = [];
  if (pkg.sideEffects !== false) problems.push(`sideEffects is ${JSON.stringify(pkg.sideEffects)}, expected false`);
  if (pkg.name !== "tierfetch") problems.push(`name is ${pkg.name}`);
  if (pkg.type !== "module") problems.push(`type is ${pkg.type}, expected "module"`);
  if (pkg.dependencies && Object.keys(pkg.dependencies).length) problems.push(`runtime dependencies: ${Object.keys(pkg.dependencies).join(", ")}`);
  const root = pkg.exports?.["."];
  if (!root || typeof root !== "object") problems.push('exports["."] is missing');
  else {
    for (const condition of ["import", "require"]) {
      const entry = root[condition];
      if (!entry || typeof entry !== "object") {
        problems.push(`exports["."].${condition} is missing or has no nested conditions`);
        continue;
      }
      const keys = Object.keys(entry);
      if (keys[0] !== "types") problems.push(`exports["."].${condition}: "types" must come first (got ${keys.join(", ")})`);
      if (keys[keys.length - 1] !== "default") problems.push(`exports["."].${condition}: "default" must come last`);
      for (const [k, file] of Object.entries(entry)) {
        if (typeof file === "string" && !existsSync(path.join(ROOT, file))) problems.push(`exports["."].${condition}.${k} → ${file} does not exist`);
      }
    }
    const want = { "import.default": "./dist/index.js", "require.default": "./dist/index.cjs" };
    for (const [p, file] of Object.entries(want)) {
      const [c, k] = p.split(".");
      if (root[c]?.[k] !== file) problems.push(`exports["."].${p} is ${JSON.stringify(root[c]?.[k])}, expected ${file}`);
    }
  }
  if (problems.length) throw new Error(problems.join("\n"));
});

// What a published tarball holds, exactly: the ESM and CJS builds with their declarations, the
// CLI, LICENSE, README and package.json (no code-split chunk since the lazy chunk went away).
const PACKED = ["package.json", "README.md", "LICENSE", "dist/index.js", "dist/index.cjs", "dist/index.browser.js", "dist/index.browser.cjs", "dist/index.d.ts", "dist/index.d.cts", "dist/cli.js"];

let tarball = null;
await check("npm pack on a clean copy of the tree: prepack builds dist/, the tarball holds exactly the package", () => {
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  // A fresh clone: the files git would commit (tracked, plus new ones not ignored), no dist/,
  // with this checkout's node_modules linked in so prepack's build has its tools.
  const clean = path.join(TMP, "clean");
  const listed = run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"]);
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr.trim()}`);
  let copied = 0;
  for (const file of listed.stdout.split("\0")) {
    if (!file || !existsSync(path.join(ROOT, file)) || !statSync(path.join(ROOT, file)).isFile()) continue;
    mkdirSync(path.dirname(path.join(clean, file)), { recursive: true });
    copyFileSync(path.join(ROOT, file), path.join(clean, file));
    copied++;
  }
  if (existsSync(path.join(clean, "dist"))) throw new Error("dist/ is tracked by git: it must be built, not committed");
  symlinkSync(path.join(ROOT, "node_modules"), path.join(clean, "node_modules"), "dir");
  const r = run("npm", ["pack", "--json", "--pack-destination", TMP], { cwd: clean });
  if (r.status !== 0) throw new Error(`npm pack failed: ${(r.stderr || r.stdout).trim().split("\n").slice(-8).join("\n")}`);
  // npm prints the prepack script's output on stdout too: the JSON report is the last part.
  const at = r.stdout.search(/^\[\s*$/m);
  const info = JSON.parse(at >= 0 ? r.stdout.slice(at) : r.stdout)[0];
  tarball = path.join(TMP, info.filename);
  const files = info.files.map((f) => f.path).sort();
  const problems = [];
  const missing = PACKED.filter((f) => !files.includes(f));
  if (missing.length) problems.push(`missing ${missing.join(", ")}${missing.some((f) => f.startsWith("dist/")) ? " (does prepack build dist/?)" : ""}`);
  const stray = files.filter((f) => !PACKED.includes(f));
  if (stray.length) problems.push(`should not be published: ${stray.join(", ")}`);
  const cli = info.files.find((f) => f.path === "dist/cli.js");
  if (cli && !(cli.mode & 0o111)) problems.push(`dist/cli.js is not executable in the tarball (mode ${cli.mode.toString(8)})`);
  if (cli && !readFileSync(path.join(clean, "dist/cli.js"), "utf8").startsWith("#!/usr/bin/env node\n")) problems.push("dist/cli.js has no #!/usr/bin/env node line");
  if (problems.length) throw new Error(`${problems.join("\n")}\npacked: ${files.join(", ")}`);
  return `${copied} tracked files copied; ${files.length} files packed, ${(info.size / 1024).toFixed(1)} kB`;
});

await check("publint (the packed tarball): no errors or warnings", async () => {
  const { publint } = await import("publint");
  const { formatMessage } = await import("publint/utils");
  if (!tarball) throw new Error("no tarball (npm pack failed)");
  const bytes = readFileSync(tarball);
  const pack = { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) };
  const { messages, pkg: linted } = await publint({ pack, level: "suggestion" });
  const bad = messages.filter((m) => m.type !== "suggestion");
  const suggestions = messages.filter((m) => m.type === "suggestion");
  const show = (m) => `${m.type}: ${formatMessage(m, linted) ?? m.code}`;
  if (bad.length) throw new Error(bad.map(show).join("\n"));
  return suggestions.length ? `${suggestions.length} suggestion(s): ${suggestions.map(show).join("; ")}` : "clean";
});

await check("attw (the packed tarball): types resolve for ESM and CJS in every resolution mode", () => {
  if (!tarball) throw new Error("no tarball (npm pack failed)");
  const r = run(path.join(ROOT, "node_modules/.bin/attw"), [tarball, "--format", "json"]);
  let report;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    throw new Error(`attw printed no JSON (exit ${r.status}): ${(r.stderr || r.stdout).trim().split("\n").slice(-5).join("\n")}`);
  }
  const problems = report.analysis?.problems ?? report.problems ?? [];
  if (problems.length || r.status !== 0) {
    const lines = problems.map((p) => `${p.kind}${p.entrypoint ? ` at ${p.entrypoint}` : ""}${p.resolutionKind ? ` (${p.resolutionKind})` : ""}`);
    throw new Error(lines.length ? lines.join("\n") : `attw exited ${r.status}`);
  }
  const modes = Object.keys(report.analysis?.entrypoints?.["."]?.resolutions ?? {});
  return modes.length ? `checked ${modes.join(", ")}` : "";
});

await check('Node 18: require("tierfetch") and import("tierfetch") from the packed tarball', () => {
  if (!tarball) throw new Error("no tarball (npm pack failed)");
  if (!existsSync(NODE18)) {
    const r = run("bash", [path.join(ROOT, "scripts/install-runtimes.sh")], { stdio: "inherit" });
    if (r.status !== 0 || !existsSync(NODE18)) throw new Error(`${NODE18} missing and scripts/install-runtimes.sh failed`);
  }
  const consumer = path.join(TMP, "consumer");
  const target = path.join(consumer, "node_modules/tierfetch");
  mkdirSync(target, { recursive: true });
  // Its own package.json keeps Node from resolving "tierfetch" as a self-reference of the
  // repository's package.json (the consumer lives under .tmp/ inside the repository).
  writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: "tierfetch-consumer", private: true }) + "\n");
  const tar = run("tar", ["-xzf", tarball, "-C", target, "--strip-components=1"]);
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
  const names = ["createClient", "tierfetch", "HttpError", "TimeoutError", "NetworkError", "TierfetchError", "parseDuration", "lines", "ndjson", "sse"];
  const probe = (lib) => `const names = ${JSON.stringify(names)};
const missing = names.filter((n) => ${lib}[n] === undefined);
if (missing.length) { console.error("missing exports: " + missing.join(", ")); process.exit(1); }
if (typeof ${lib}.createClient !== "function" || ${lib}.parseDuration("1.5s") !== 1500) { console.error("exports do not work"); process.exit(1); }
const api = ${lib}.createClient({ baseUrl: "http://127.0.0.1:9/" });
if (typeof api.get !== "function") { console.error("createClient() has no get()"); process.exit(1); }
console.log(Object.keys(${lib}).sort().join(","));`;
  const cjs = run(NODE18, ["-e", `const lib = require("tierfetch");\n${probe("lib")}`], { cwd: consumer });
  if (cjs.status !== 0) throw new Error(`require: ${(cjs.stderr || cjs.stdout).trim().split("\n").slice(0, 6).join("\n")}`);
  const esm = run(NODE18, ["--input-type=module", "-e", `import * as lib from "tierfetch";\n${probe("lib")}`], { cwd: consumer });
  if (esm.status !== 0) throw new Error(`import: ${(esm.stderr || esm.stdout).trim().split("\n").slice(0, 6).join("\n")}`);
  const cjsNames = cjs.stdout.trim().split(",").filter((n) => n !== "default" && n !== "__esModule");
  const esmNames = esm.stdout.trim().split(",").filter((n) => n !== "default");
  if (cjsNames.join() !== esmNames.join()) throw new Error(`require and import export different names:\n require: ${cjsNames.join(", ")}\n import:  ${esmNames.join(", ")}`);
  const resolved = run(NODE18, ["-p", 'require.resolve("tierfetch")'], { cwd: consumer }).stdout.trim();
  if (resolved !== path.join(target, "dist/index.cjs")) throw new Error(`require resolves to ${resolved}, not the packed copy`);
  return `${cjsNames.length} exports, node ${run(NODE18, ["--version"]).stdout.trim()}`;
});

// Both builds a browser may load: the default one (what a bundler without the `browser`
// condition picks) and the browser build.
for (const entry of ["dist/index.js", "dist/index.browser.js"]) await check(`browser bundle of ${entry}: no node: import, no process/Buffer/require use`, async () => {
  const esbuild = await import("esbuild");
  // A free reference to a Node global is replaced by a marker, so it shows in the output even
  // when it is feature-detected; property names and local bindings are left alone.
  const forbidden = ["process", "Buffer", "require", "global", "__dirname", "__filename", "setImmediate", "module", "exports",
    "globalThis.process", "globalThis.Buffer", "globalThis.require", "self.process", "window.process"];
  const marker = (name) => `__FORBIDDEN_${name.replace(/\./g, "$")}__`;
  const define = Object.fromEntries(forbidden.map((name) => [name, marker(name)]));
  const result = await esbuild.build({
    entryPoints: [path.join(ROOT, entry)],
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    write: false,
    metafile: true,
    external: ["node:*"],
    define,
    logLevel: "silent",
  });
  const code = result.outputFiles[0].text;
  const problems = [];
  for (const out of Object.values(result.metafile.outputs)) {
    for (const imp of out.imports) problems.push(`imports ${imp.path}${imp.external ? " (external)" : ""}`);
  }
  if (/\bfrom\s*["']node:|\bimport\s*\(\s*["']node:/.test(code)) problems.push("a node: import remains");
  const hits = forbidden.filter((name) => code.includes(marker(name)));
  if (hits.length) problems.push(`uses Node globals: ${hits.join(", ")}`);
  if (/\brequire\s*\(/.test(code)) problems.push("contains a require( call");
  const inputs = Object.keys(result.metafile.inputs);
  const outside = inputs.filter((f) => !/^dist\/[\w.-]+\.js$/.test(f));
  if (outside.length) problems.push(`${entry} pulls in files outside dist/: ${outside.join(", ")}`);
  if (problems.length) throw new Error(problems.join("\n"));
  const min = await esbuild.build({ entryPoints: [path.join(ROOT, entry)], bundle: true, platform: "browser", format: "esm", minify: true, write: false, logLevel: "silent" });
  return `${(code.length / 1024).toFixed(1)} kB bundled, ${(min.outputFiles[0].contents.length / 1024).toFixed(1)} kB minified`;
});

console.log(`packaging: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
