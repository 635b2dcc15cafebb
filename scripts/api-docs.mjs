#!/usr/bin/env node
// Generates docs/API.md from the JSDoc of the public API (what src/index.ts exports), with the
// TypeScript compiler: every export with its signature and doc, every option with its type,
// @default and @example. `npm run docs` writes it; `--check` (run by `npm test`) fails when the
// committed file is out of date, so the reference can never drift from the code.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT = `${ROOT}docs/API.md`;
const program = ts.createProgram([`${ROOT}src/index.ts`], { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, lib: ["lib.es2022.d.ts", "lib.dom.d.ts", "lib.esnext.disposable.d.ts"], strict: true });
const checker = program.getTypeChecker();
const entry = checker.getSymbolAtLocation(program.getSourceFile(`${ROOT}src/index.ts`));
const printer = (node) => node.getText().replace(/\s+/g, " ");

const docOf = (symbol) => ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
const tagsOf = (symbol) => symbol.getJsDocTags(checker).map((t) => ({ name: t.name, text: ts.displayPartsToString(t.text ?? []).trim() }));
const cell = (s) => s.replace(/\|/g, "\\|").replace(/\n+/g, " ");

const sections = { functions: [], classes: [], interfaces: [], types: [], values: [] };
for (const exported of checker.getExportsOfModule(entry)) {
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  const decl = symbol.declarations?.[0];
  if (!decl) continue;
  const name = exported.getName();
  const doc = docOf(symbol);
  const tags = tagsOf(symbol);
  const example = tags.filter((t) => t.name === "example").map((t) => t.text);
  let out = `### \`${name}\`\n\n`;
  if (ts.isFunctionDeclaration(decl)) {
    const sig = checker.getSignatureFromDeclaration(decl);
    out += "```ts\n" + `function ${name}${checker.signatureToString(sig, undefined, ts.TypeFormatFlags.NoTruncation)}` + "\n```\n\n";
    sections.functions.push(out + body(doc, example));
  } else if (ts.isClassDeclaration(decl)) {
    out += body(doc, example);
    const members = decl.members.filter((m) => m.name && !ts.isConstructorDeclaration(m) && !(ts.getCombinedModifierFlags(m) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) && !m.name.getText().startsWith("#") && !m.name.getText().startsWith("[") && !ts.getJSDocTags(m).some((t) => t.tagName.text === "internal"));
    if (members.length) {
      out += "| member | type | |\n|---|---|---|\n";
      for (const m of members) {
        const ms = checker.getSymbolAtLocation(m.name);
        const type = ms ? checker.typeToString(checker.getTypeOfSymbolAtLocation(ms, m), undefined, ts.TypeFormatFlags.NoTruncation) : "";
        out += `| \`${m.name.getText()}\` | \`${cell(type)}\` | ${cell(ms ? docOf(ms) : "")} |\n`;
      }
      out += "\n";
    }
    sections.classes.push(out);
  } else if (ts.isInterfaceDeclaration(decl)) {
    out += body(doc, example);
    const type = checker.getDeclaredTypeOfSymbol(symbol);
    const props = checker.getPropertiesOfType(type);
    if (props.length) {
      out += "| option | type | default | |\n|---|---|---|---|\n";
      for (const p of props) {
        const pd = p.declarations?.[0];
        const ptype = checker.typeToString(pd ? checker.getTypeOfSymbolAtLocation(p, pd) : checker.getTypeOfSymbol(p), undefined, ts.TypeFormatFlags.NoTruncation);
        const ptags = tagsOf(p);
        const def = ptags.find((t) => t.name === "default")?.text ?? "";
        const ex = ptags.filter((t) => t.name === "example").map((t) => `e.g. \`${cell(t.text)}\``).join(" ");
        // A well-known symbol member is named as code names it, not by the checker's numbered "__@asyncDispose@41".
        const pname = p.getName().replace(/^__@(\w+)@\d+$/, "[Symbol.$1]");
        out += `| \`${pname}${p.flags & ts.SymbolFlags.Optional ? "?" : ""}\` | \`${cell(ptype)}\` | ${cell(def)} | ${cell([docOf(p), ex].filter(Boolean).join(" "))} |\n`;
      }
      out += "\n";
    }
    sections.interfaces.push(out);
  } else if (ts.isTypeAliasDeclaration(decl)) {
    out += "```ts\n" + printer(decl).replace(/^export /, "") + "\n```\n\n" + body(doc, example);
    sections.types.push(out);
  } else if (ts.isVariableDeclaration(decl)) {
    const type = checker.typeToString(checker.getTypeOfSymbolAtLocation(symbol, decl), undefined, ts.TypeFormatFlags.NoTruncation);
    out += "```ts\n" + `const ${name}: ${type}` + "\n```\n\n" + body(doc, example);
    sections.values.push(out);
  }
}

function body(doc, examples) {
  let s = doc ? `${doc}\n\n` : "";
  for (const e of examples) s += (e.includes("```") ? e : "```ts\n" + e + "\n```") + "\n\n";
  return s;
}

const md = [
  "# tierfetch API reference",
  "",
  "Generated from the JSDoc of `src/` by `npm run docs` (scripts/api-docs.mjs); `npm test` fails when it is out of date.",
  "",
  "## Functions", "", ...sections.functions,
  "## Values", "", ...sections.values,
  "## Classes", "", ...sections.classes,
  "## Options and other interfaces", "", ...sections.interfaces,
  "## Types", "", ...sections.types,
].join("\n").replace(/\n{3,}/g, "\n\n").trimEnd() + "\n";

if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(OUT, "utf8");
  } catch {}
  const ok = current === md;
  console.log(ok ? "ok   docs/API.md matches the JSDoc" : "FAIL docs/API.md is out of date: run `npm run docs`");
  console.log(`${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`);
  process.exit(ok ? 0 : 1);
}
mkdirSync(`${ROOT}docs`, { recursive: true });
writeFileSync(OUT, md);
console.log(`wrote docs/API.md (${md.length} characters)`);
