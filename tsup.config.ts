import { existsSync } from "node:fs";
import path from "node:path";
import { defineConfig } from "tsup";
import type { Plugin } from "esbuild";

/** The library's entry points (the browser build has the same ones, named `<entry>.browser`). */
const ENTRIES = { index: "src/index.ts" };

/**
 * The browser build: every relative import of `x.js` that has a sibling `x.browser.ts` gets that
 * module instead. Browsers follow redirects inside fetch (never showing them to a script), so
 * there `pipeline/redirects.ts` (the follower) becomes a stub, and `http/runtime.ts`'s run-time
 * browser test a constant. The package's `browser` export condition points at this build.
 */
export const browserModules: Plugin = {
  name: "browser-modules",
  setup(build) {
    build.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
      const stub = path.resolve(args.resolveDir, args.path.replace(/\.js$/, ".browser.ts"));
      return existsSync(stub) ? { path: stub } : undefined;
    });
  },
};

const library = {
  format: ["esm", "cjs"],
  target: "es2022",
  platform: "neutral",
  sourcemap: false,
  treeshake: true,
  // One file per format: features tree-shake (createCoreClient reaches none of createClient's).
  splitting: false,
} as const;

export default defineConfig([
  {
    // The library: one neutral build for Workers, Deno, Bun, Node 18+ (and browsers, which the
    // browser build below serves smaller).
    ...library,
    entry: ENTRIES,
    dts: true,
    clean: true,
  },
  {
    // The same library for browsers (the `browser` export condition), without the redirect follower.
    ...library,
    entry: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [`${name}.browser`, file])),
    esbuildPlugins: [browserModules],
  },
  {
    // The CLI: Node only, a separate entry the library never imports. Its small
    // dependencies (picocolors) are bundled so the package has none at run time.
    entry: { cli: "src/cli/main.ts" },
    format: ["esm"],
    target: "node18",
    platform: "node",
    noExternal: ["picocolors"],
    // One self-contained file: the CLI loads everything anyway.
    splitting: false,
    banner: { js: "#!/usr/bin/env node" },
    sourcemap: false,
  },
]);
