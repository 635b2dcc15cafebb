#!/usr/bin/env node
// What the one-request app's bytes buy, by guarantee (docs/benchmarks.md, "What the core's bytes
// buy"). The app of bench/size-apps/one-request.js is bundled from src/ with the settings of the
// size table (esbuild, minify, ESM, platform browser, gzip -9; the browser build's modules unless
// a row says "default build"), then again with the code behind one guarantee stubbed out: every
// export of its modules (or the named exports, or a patched-out branch) replaced by an empty
// function. The gzip bytes the app loses are what that guarantee costs. Stubbing is not additive
// (gzip shares strings between rows): the rows do not sum to the total; the last row stubs them
// all at once. Sizes only: nothing is timed.
//
//   node bench/anatomy.mjs            a markdown table on stdout
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import ts from "typescript";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const APP = `import { createClient } from "./src/index.ts";
const api = createClient({ baseUrl: "https://api.example.com/v1/" });
console.log(await api.get("users/1").json());`;

const ERRORS = ["tierfetch", "http", "network", "timeout", "redirect", "parse", "validation", "limit"].map((e) => `src/errors/${e}-error.ts`);
const HOOKS = [
  ["src/pipeline/send-request.ts", "const hooks = plan.hooks.beforeRequest;\n  if (hooks.length) {", "const hooks: any[] = [];\n  if (false) {"],
  ["src/pipeline/attempt.ts", "if (plan.hooks.afterResponse.length)", "if (false)"],
  ["src/pipeline/classify-outcome.ts", "plan.hooks.beforeRequest.length ?", "false ?"],
  ["src/pipeline/call.ts", "for (const hook of plan.hooks.beforeRetry)", "if (false) for (const hook of plan.hooks.beforeRetry)"],
  ["src/pipeline/call.ts", "for (const hook of plan.hooks.beforeError)", "if (false) for (const hook of plan.hooks.beforeError)"],
  ["src/options/option-table.ts", "resolve: appendHooks", "resolve: undefined as any"],
];

// ky: does ky 2.1 have the guarantee at all (read from its source)?
export const ROWS = [
  { name: "tiers and their growth per retry (timeouts.ts, durations.ts)", ky: "one timeout, no tiers", stub: ["src/resilience/timeouts.ts", "src/resilience/durations.ts"] },
  { name: "of which: duration strings (\"2h 37min\")", ky: "no", sub: true, stub: ["src/resilience/durations.ts"] },
  { name: "retry decision, backoff, Retry-After, deadline", ky: "yes (totalTimeout, RateLimit headers too)", stub: ["src/resilience/retry-decision.ts", "src/resilience/retry-after.ts", "src/resilience/retry.ts"] },
  { name: "of which: Retry-After (seconds and HTTP-date)", ky: "yes", sub: true, stub: ["src/resilience/retry-after.ts"] },
  { name: "retry budget", ky: "no", lacks: true, stub: ["src/resilience/retry-budget.ts", "src/resilience/retry-budget-options.ts"] },
  { name: "typed errors and their messages", ky: "yes (shorter messages)", stub: ERRORS },
  { name: "redaction: URL masking, secret values masked in messages", ky: "no", lacks: true, stub: ["src/security/redact.ts", "src/security/secrets.ts"] },
  { name: "the secret-name list (read by redaction and the credential rules)", ky: "no", lacks: true, stub: ["src/security/secret-names.ts"] },
  { name: "token scoping and credential rules (other origin, plain http)", ky: "no", lacks: true, stub: ["src/security/default-credentials.ts"], stubExports: [["src/http/url.ts", ["checkNoCredentials", "isLoopback"]]] },
  { name: "redirect follower (default build only)", ky: "no (fetch follows)", defaultBuild: true, stub: ["src/pipeline/redirects.ts"] },
  { name: "api.fetch (fetch's arguments read as a request)", ky: "no", lacks: true, stub: ["src/pipeline/fetch-adapter.ts"], patch: [["src/client.ts", "fetch: async (input, init) => {", "fetch: undefined as any, f: async (input: any, init: any) => {"]] },
  { name: "Response stand-in (every status and reason phrase as fetch shows them)", ky: "no", lacks: true, stub: ["src/pipeline/fetched-response.ts"] },
  { name: "close() (in-flight requests tracked, aborted on close)", ky: "no", lacks: true, stub: ["src/resilience/closer.ts"] },
  { name: "hooks (beforeRequest, afterResponse, beforeRetry, beforeError)", ky: "yes", patch: HOOKS },
  { name: "options validation: the table's apply step and unknown-option errors", ky: "partial", stubExports: [["src/options/option-table.ts", ["applyOptions", "isOwnOption"]]] },
  { name: "of which: \"did you mean\" for a mistyped option", ky: "no", sub: true, stubExports: [["src/options/option-keys.ts", ["closest"]]] },
  { name: "body encoding (json, bodies, async iterables)", ky: "yes (json)", stub: ["src/http/body.ts", "src/http/stream-uploads.ts"] },
  { name: "URL and query building (baseUrl, \"..\" refused, query)", ky: "yes", stubExports: [["src/http/url.ts", ["isAbsolute", "isPlainPath", "shownUrl", "parseBaseUrl", "joinUrl", "normaliseQuery", "appendQuery"]]] },
  { name: "the buffered shortcuts (ResponsePromise: json, text, bytes, arrayBuffer, blob)", ky: "yes", stub: ["src/pipeline/response.ts"] },
  { name: "hand-over of watched bodies (timeouts and progress while the caller reads)", ky: "no (progress only)", lacks: true, stub: ["src/pipeline/tracked-body.ts"] },
  { name: "timers past 24.8 days, bounded hooks (timers.ts, bounded.ts)", ky: "partial", stub: ["src/resilience/timers.ts", "src/pipeline/bounded.ts"] },
  { name: "header checks and merging (headers.ts)", ky: "partial", stub: ["src/http/headers.ts"] },
  { name: "the call context hooks and errors see (context.ts)", ky: "yes (smaller)", stub: ["src/pipeline/context.ts"] },
  { name: "tracing: a span per request sent (tracer option)", ky: "no", lacks: true, beyond: true, stub: ["src/observe/tracing.ts"] },
  { name: "hedged requests (hedge option, the race)", ky: "no", lacks: true, beyond: true, stub: ["src/resilience/hedge.ts", "src/pipeline/hedged.ts"] },
  { name: "maxConcurrent (the slots)", ky: "no", lacks: true, beyond: true, stub: ["src/resilience/concurrency.ts"] },
  { name: "rate-limit headers as a delay source", ky: "yes (RateLimit-Reset, X-RateLimit-Reset)", beyond: true, stub: ["src/resilience/rate-limit-headers.ts"] },
  { name: "attempt lifecycle events (what tracing listens to)", ky: "no", lacks: true, beyond: true, stub: ["src/pipeline/hop-events.ts"] },
];

function stubSource(file) {
  const sf = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const names = [];
  for (const st of sf.statements) {
    if (ts.isExportDeclaration(st) && !st.isTypeOnly && st.exportClause) {
      for (const e of st.exportClause.elements) if (!e.isTypeOnly) names.push(e.name.text);
      continue;
    }
    if (!st.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    if (ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isEnumDeclaration(st)) names.push(st.name.text);
    else if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) names.push(d.name.getText());
  }
  return stubs(names);
}
const stubs = (names) => names.map((n) => `export const ${n}: any = function () {};`).join("\n");

/** gzip bytes of the one-request app with `row`'s code stubbed out (no row: the whole app). */
export async function measure(row = {}, defaultBuild = false) {
  const whole = new Set((row.stub ?? []).map((f) => path.resolve(ROOT, f)));
  const patches = new Map();
  const appends = new Map();
  const at = (map, f, init) => map.get(f) ?? map.set(f, init).get(f);
  for (const [f, from, to] of row.patch ?? []) at(patches, path.resolve(ROOT, f), []).push([from, to]);
  for (const [f, names] of row.stubExports ?? []) {
    const file = path.resolve(ROOT, f);
    const src = readFileSync(file, "utf8");
    for (const n of names) {
      const m = new RegExp(`export (async function|function|const|class) ${n}\\b`).exec(src);
      if (!m) throw new Error(`anatomy: ${f} has no export ${n}`);
      at(patches, file, []).push([m[0], `${m[1]} ${n}__stubbed`]);
    }
    appends.set(file, `${appends.get(file) ?? ""}\n${stubs(names)}`);
  }
  const plugins = [];
  if (!defaultBuild) {
    // The browser build's module swap (tsup.config.ts: x.js -> x.browser.ts where one exists).
    plugins.push({ name: "browser-modules", setup(b) {
      b.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (a) => {
        const stub = path.resolve(a.resolveDir, a.path.replace(/\.js$/, ".browser.ts"));
        return existsSync(stub) ? { path: stub } : undefined;
      });
    } });
  }
  plugins.push({ name: "stub", setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (a) => {
      if (whole.has(a.path)) return { contents: stubSource(a.path), loader: "ts" };
      if (!patches.has(a.path) && !appends.has(a.path)) return undefined;
      let src = readFileSync(a.path, "utf8");
      for (const [from, to] of patches.get(a.path) ?? []) {
        if (!src.includes(from)) throw new Error(`anatomy: ${a.path} no longer has ${JSON.stringify(from.slice(0, 60))}: update the row`);
        src = src.split(from).join(to);
      }
      return { contents: src + (appends.get(a.path) ?? ""), loader: "ts" };
    });
  } });
  const r = await esbuild.build({ stdin: { contents: APP, resolveDir: ROOT, loader: "ts" }, bundle: true, minify: true, format: "esm", platform: "browser", target: "es2022", write: false, plugins, logLevel: "silent" });
  return gzipSync(r.outputFiles[0].contents, { level: 9 }).length;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const browser = await measure();
  const full = await measure({}, true);
  const kb = (b) => `${(b / 1000).toFixed(2)} KB`;
  console.log(`| guarantee | gzip B | ky 2.1 has it |\n|---|---:|---|`);
  console.log(`| **the one-request app** (browser build; default build ${kb(full)}) | **${browser}** | (8.97 KB) |`);
  for (const row of ROWS) {
    // A row whose code moved (a patched line or export no longer there) says so and the table goes on.
    let lost;
    try {
      lost = row.defaultBuild ? full - (await measure(row, true)) : browser - (await measure(row));
    } catch (error) {
      lost = `? (${error.message.split("\n")[0]})`;
    }
    console.log(`| ${row.sub ? "&nbsp;&nbsp;" : ""}${row.name} | ${lost} | ${row.ky} |`);
  }
  const merged = (rows) => ({ stub: rows.flatMap((r) => r.stub ?? []), patch: rows.flatMap((r) => r.patch ?? []), stubExports: rows.flatMap((r) => r.stubExports ?? []) });
  const lacks = ROWS.filter((r) => r.lacks);
  const lost = (row) => measure(row).then((b) => browser - b, (error) => `? (${error.message.split("\n")[0]})`);
  console.log(`| every guarantee ky lacks, at once (${lacks.length} rows marked "no") | ${await lost(merged(lacks))} | |`);
  const beyond = ROWS.filter((r) => r.beyond);
  console.log(`| the attempt seams' features at once (tracing, hedging, maxConcurrent, rate-limit headers, lifecycle events) | ${await lost(merged(beyond))} | |`);
  const top = ROWS.filter((r) => !r.sub && !r.defaultBuild);
  console.log(`| every row above at once (left: the pipeline that sends, retries and hands over) | ${await lost(merged(top))} | |`);
}
