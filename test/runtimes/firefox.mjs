// Conformance in Debian's Firefox ESR (/usr/bin/firefox-esr), through the "debian-firefox-esr"
// project of playwright.config.ts: @playwright/test 1.64.1 over WebDriver BiDi (channel
// "moz-firefox"; 1.65 breaks this channel).
//   node test/runtimes/firefox.mjs [--grep re]        (or: npx playwright test --project debian-firefox-esr)
import { BROWSERS, runInBrowser } from "./browser.mjs";
import { standalone } from "./common.mjs";

export const run = (server, options) => runInBrowser(BROWSERS.firefox, server, options);

await standalone(import.meta.url, run);
