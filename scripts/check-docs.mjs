#!/usr/bin/env node
// The docs check of `npm test` (`npm run docs:check`; run `npx tsup` first). Prints one line per
// failure and the closing line `N passed, N failed`. It fails when:
//   1. docs/API.md is not what `npm run docs` generates from the JSDoc today;
//   2. a link in README.md or a guide (docs/*.md) names a file or an #anchor that does not exist:
//      relative links, and absolute links into this repository (REPO_URL/blob/main/<path>,
//      /tree/main/<path>, raw.githubusercontent.com/...), checked against the working tree;
//   3. a ```ts / ```js block of README.md or a guide does not type-check against dist/*.d.ts, as a
//      user's strict TypeScript project sees the package (each block is a module of its own, in
//      .tmp/doc-blocks/). A block that is an illustrative fragment says so: ```ts no-check;
//   4. published text names the internal contract document or an issue number, or the README names
//      a path of the repository (the npm page shows none).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const REPO_URL = "https://github.com/tierfetch/tierfetch";
const BLOCKS = path.join(ROOT, ".tmp/doc-blocks");

const docs = ["README.md", ...readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)];
/** Guides and the README are written by hand; API.md is generated (its links are checked, not its code). */
const handWritten = docs.filter((f) => f !== "docs/API.md");

let passed = 0;
const failures = [];
const fail = (where, why) => failures.push(`FAIL ${where}: ${why}`);
const pass = () => passed++;

// 1. API reference up to date
{
  const r = spawnSync(process.execPath, [path.join(ROOT, "scripts/api-docs.mjs"), "--check"], { cwd: ROOT, encoding: "utf8" });
  if (r.status === 0) pass();
  else fail("docs/API.md", `out of date: run \`npm run docs\`\n     ${(r.stdout + r.stderr).trim().replace(/\n/g, "\n     ")}`);
}

// Markdown, read once: fenced blocks apart from prose (links inside code are not links).
const read = new Map(docs.map((f) => [f, parse(readFileSync(path.join(ROOT, f), "utf8"))]));

/** Splits a markdown file into prose lines (with numbers) and fenced code blocks. */
function parse(text) {
  const prose = [];
  const blocks = [];
  let open = null;
  text.split("\n").forEach((line, i) => {
    const fence = /^(\s*)(`{3,}|~{3,})(.*)$/.exec(line);
    if (open) {
      if (fence && fence[2][0] === open.marker[0] && fence[2].length >= open.marker.length && !fence[3].trim()) {
        blocks.push(open);
        open = null;
      } else open.lines.push(line);
    } else if (fence) open = { marker: fence[2], info: fence[3].trim(), line: i + 1, lines: [] };
    else prose.push({ n: i + 1, text: line.replace(/`[^`]*`/g, "") });
  });
  return { prose, blocks, text };
}

/** GitHub's anchors for a markdown file's headings (lowercase, punctuation out, spaces to -, -1 for repeats). */
const anchorCache = new Map();
function anchorsOf(file) {
  if (anchorCache.has(file)) return anchorCache.get(file);
  const seen = new Map();
  const anchors = new Set();
  const { prose, text } = read.get(file) ?? parse(readFileSync(path.join(ROOT, file), "utf8"));
  for (const { n } of prose) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text.split("\n")[n - 1]);
    if (!m) continue;
    const slug = m[1]
      .replace(/<[^>]+>/g, "")
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/ /g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count ? `${slug}-${count}` : slug);
  }
  for (const m of text.matchAll(/<a (?:name|id)="([^"]+)"/g)) anchors.add(m[1]);
  anchorCache.set(file, anchors);
  return anchors;
}

// 2. Links
const repoLink = new RegExp(`^(?:${REPO_URL.replace(/[.]/g, "\\.")}/(?:blob|tree)/main/|https://raw\\.githubusercontent\\.com/tierfetch/tierfetch/main/)([^#?]*)(?:#(.*))?$`);
for (const [file, { prose }] of read) {
  for (const { n, text } of prose) {
    const targets = [
      ...[...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]),
      ...[...text.matchAll(/\b(?:href|src)="([^"]+)"/g)].map((m) => m[1]),
      ...[...text.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/g)].map((m) => m[1]),
    ];
    for (const target of targets) {
      const where = `${file}:${n} → ${target}`;
      let local;
      let anchor;
      const repo = repoLink.exec(target);
      if (repo) [local, anchor] = [decodeURIComponent(repo[1]).replace(/\/$/, "") || ".", repo[2]];
      else if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // another site, mailto:...: not ours to check
      else if (target.startsWith("#")) [local, anchor] = [file, target.slice(1)];
      else {
        const [p, a] = target.split("#");
        local = path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURIComponent(p)));
        anchor = a;
        if (file === "README.md") {
          fail(where, `a relative link in README.md does not resolve on the npm page: use ${REPO_URL}/blob/main/${local}`);
          continue;
        }
      }
      if (!existsSync(path.join(ROOT, local))) {
        fail(where, `${local} does not exist`);
        continue;
      }
      if (anchor && local.endsWith(".md") && !anchorsOf(local).has(decodeURIComponent(anchor))) {
        fail(where, `${local} has no heading with the anchor #${anchor}`);
        continue;
      }
      pass();
    }
  }
}

// 4. Words users cannot follow (API.md too: it is the JSDoc users read in their editor)
for (const file of docs) {
  for (const { n, text } of read.get(file).prose) {
    const m = /\bSPEC(?:\.md)?\b|\bissues? #?\d+\b/i.exec(text);
    if (m) fail(`${file}:${n}`, `names "${m[0]}", which users of the package cannot see`);
  }
}
// The README is read on the npm page, where the repository's files are not: no path into them
// (a link to the repository is fine).
read.get("README.md").text.split("\n").forEach((line, i) => {
  const m = /(?<![\w./-])(?:src|test|bench|scripts|\.tmp|\.ci)\/[\w./-]*/.exec(line.replace(/https?:\/\/\S+/g, ""));
  if (m) fail(`README.md:${i + 1}`, `names the repository path ${m[0]}, which the npm page does not show: link to it on ${REPO_URL} or leave it to a guide`);
});
pass();

// 3. Code blocks type-check against dist/*.d.ts
if (!existsSync(path.join(ROOT, "dist/index.d.ts"))) fail("dist/index.d.ts", "missing: run `npx tsup` first");
else {
  rmSync(BLOCKS, { recursive: true, force: true });
  mkdirSync(path.join(BLOCKS, "node_modules"), { recursive: true });
  // "tierfetch" resolves to this package through its package.json "exports", as in an app;
  // every other import (openai, ky...) resolves to the project's node_modules, one level up.
  symlinkSync(ROOT, path.join(BLOCKS, "node_modules/tierfetch"), "dir");
  const files = new Map();
  for (const file of handWritten) {
    for (const block of read.get(file).blocks) {
      const [lang, ...flags] = block.info.split(/\s+/);
      if (!["ts", "typescript", "js", "javascript"].includes(lang)) continue;
      if (flags.includes("no-check")) continue;
      const ext = lang.startsWith("t") ? "ts" : "js";
      const name = `${file.replace(/[/.]/g, "_")}_${block.line}.${ext}`;
      // Each block is a module (top-level await, its own names); a CommonJS block stays one.
      const body = block.lines.join("\n");
      const isCjs = /\brequire\(/.test(body) && !/^\s*import\s/m.test(body);
      writeFileSync(path.join(BLOCKS, isCjs ? name.replace(/\.js$/, ".cjs") : name), isCjs ? body + "\n" : `${body}\nexport {};\n`);
      files.set(path.join(BLOCKS, isCjs ? name.replace(/\.js$/, ".cjs") : name), `${file}:${block.line} (\`\`\`${block.info})`);
    }
  }
  const program = ts.createProgram([...files.keys()], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Preserve,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2022.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts", "lib.dom.asynciterable.d.ts", "lib.esnext.disposable.d.ts"],
    types: ["node"],
    typeRoots: [path.join(ROOT, "node_modules/@types")],
    allowJs: true,
    checkJs: true,
    skipLibCheck: true,
    // Deno's npm: specifier names the same package.
    baseUrl: BLOCKS,
    paths: { "npm:tierfetch": ["node_modules/tierfetch"] },
  });
  const byFile = new Map();
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const key = d.file ? d.file.fileName : "(options)";
    const { line } = d.file ? d.file.getLineAndCharacterOfPosition(d.start ?? 0) : { line: 0 };
    const list = byFile.get(key) ?? [];
    list.push(`line ${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    byFile.set(key, list);
  }
  for (const [f, label] of files) {
    const problems = byFile.get(f);
    if (problems) fail(label, `does not type-check (${path.relative(ROOT, f)}):\n     ${problems.join("\n     ")}`);
    else pass();
  }
  for (const [f, problems] of byFile) if (!files.has(f)) fail(path.relative(ROOT, f), problems.join("; "));
}

for (const f of failures) console.log(f);
console.log(`${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
