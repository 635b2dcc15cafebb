import { defineConfig } from "tsup";

export default defineConfig([
  {
    // The library: one neutral build for browsers, Workers, Deno, Bun and Node 18+.
    entry: { index: "src/index.ts" },
    format: ["esm", "cjs"],
    dts: true,
    clean: true,
    target: "es2022",
    platform: "neutral",
    sourcemap: false,
    treeshake: true,
    // One file per format: features tree-shake (createCoreClient reaches none of createClient's).
    splitting: false,
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
