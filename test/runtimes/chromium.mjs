// Conformance in Debian's Chromium (/usr/bin/chromium) driven by playwright-core.
//   node test/runtimes/chromium.mjs [--grep re]
import { runInBrowser } from "./browser.mjs";
import { standalone } from "./common.mjs";

export const run = (server, options) =>
  runInBrowser({ runtime: "Chromium", family: "chromium", executablePath: "/usr/bin/chromium" }, server, options);

await standalone(import.meta.url, run);
