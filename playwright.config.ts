// The browser runtimes of the conformance suite: Debian's Chromium and Firefox ESR (no
// Playwright browser download), each a project running test/runtimes/browser.spec.mjs, which
// loads test/conformance/suite.js in the page against the built dist/.
//
//   npx playwright test                                 both browsers (builds dist/ if stale)
//   npx playwright test --project debian-firefox-esr    one
// `npm test` runs the same projects through test/runtimes/run-all.mjs (chromium.mjs, firefox.mjs).
import { defineConfig } from "@playwright/test";
import { BROWSERS, CHROMIUM_ARGS } from "./test/runtimes/browser.mjs";
import { RUNTIME_TIMEOUT_MS } from "./test/runtimes/common.mjs";

export default defineConfig({
  testDir: "test/runtimes",
  testMatch: "browser.spec.mjs",
  globalSetup: "./test/runtimes/browser-setup.mjs",
  outputDir: ".tmp/playwright-results",
  // One browser at a time: the machine is small and the suite has its own per-check timeouts.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: true,
  timeout: RUNTIME_TIMEOUT_MS,
  reporter: "list",
  projects: [
    {
      name: BROWSERS.chromium.project,
      use: {
        browserName: "chromium",
        headless: true,
        launchOptions: { executablePath: BROWSERS.chromium.executablePath, args: CHROMIUM_ARGS },
      },
    },
    {
      name: BROWSERS.firefox.project,
      use: {
        browserName: "firefox",
        channel: "moz-firefox",
        headless: true,
        launchOptions: { executablePath: BROWSERS.firefox.executablePath },
      },
    },
  ],
});
