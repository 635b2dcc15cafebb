// Conformance in Debian's Chromium (/usr/bin/chromium), through the "debian-chromium" project
// of playwright.config.ts (@playwright/test 1.64.1).
//   node test/runtimes/chromium.mjs [--grep re]       (or: npx playwright test --project debian-chromium)
import { BROWSERS, runInBrowser } from "./browser.mjs";
import { standalone } from "./common.mjs";

export const run = (server, options) => runInBrowser(BROWSERS.chromium, server, options);

await standalone(import.meta.url, run);
