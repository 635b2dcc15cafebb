// The architecture rules of issue 11, checked on the source itself with the TypeScript parser:
// no import cycle in src/ (type-only imports and re-exports count), and no function in the core
// longer than a reader can hold in mind.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));
const MAX_FUNCTION_LINES = 60;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : name.endsWith(".ts") ? [full] : [];
  });
}

const files = sourceFiles(SRC);
const parsed = new Map(files.map((f) => [f, ts.createSourceFile(f, readFileSync(f, "utf8"), ts.ScriptTarget.ES2022, true)]));

/** Every module a file imports or re-exports from (type-only included), as absolute paths. */
function importsOf(file: string): string[] {
  const out: string[] = [];
  for (const stmt of parsed.get(file)!.statements) {
    const spec = (ts.isImportDeclaration(stmt) || ts.isExportDeclaration(stmt)) && stmt.moduleSpecifier && ts.isStringLiteral(stmt.moduleSpecifier) ? stmt.moduleSpecifier.text : undefined;
    if (!spec?.startsWith(".")) continue;
    out.push(path.resolve(path.dirname(file), spec.replace(/\.js$/, ".ts")));
  }
  // import("./x.js") types too
  parsed.get(file)!.forEachChild(function visit(node): void {
    if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      out.push(path.resolve(path.dirname(file), node.argument.literal.text.replace(/\.js$/, ".ts")));
    }
    node.forEachChild(visit);
  });
  return out;
}

describe("architecture", () => {
  it("src/ has no import cycle, type-only or not", () => {
    const graph = new Map(files.map((f) => [f, importsOf(f).filter((d) => parsed.has(d))]));
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const visit = (f: string) => {
      state.set(f, "open");
      stack.push(f);
      for (const d of graph.get(f)!) {
        if (state.get(d) === "open") cycles.push([...stack.slice(stack.indexOf(d)), d].map((x) => path.relative(SRC, x)).join(" → "));
        else if (!state.has(d)) visit(d);
      }
      stack.pop();
      state.set(f, "done");
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  it(`no function in the core (src/ but cli/) is longer than ${MAX_FUNCTION_LINES} lines`, () => {
    const long: string[] = [];
    for (const [file, source] of parsed) {
      const rel = path.relative(SRC, file);
      if (rel.startsWith(`cli${path.sep}`)) continue;
      const visit = (node: ts.Node) => {
        if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isConstructorDeclaration(node)) && node.body) {
          const start = source.getLineAndCharacterOfPosition(node.body.getStart()).line;
          const end = source.getLineAndCharacterOfPosition(node.body.getEnd()).line;
          if (end - start + 1 > MAX_FUNCTION_LINES) long.push(`${rel}:${start + 1} ${end - start + 1} lines`);
        }
        node.forEachChild(visit);
      };
      visit(source);
    }
    expect(long).toEqual([]);
  });
});
