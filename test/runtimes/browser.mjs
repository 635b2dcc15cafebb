// The browser runtimes, run through @playwright/test (playwright.config.ts at the top level:
// one project per Debian browser, the same conformance suite in each).
//
// run-all.mjs (and `node test/runtimes/chromium.mjs`) call runInBrowser(), which runs
// `playwright test --project <name>` against the server run-all already started, and reads back
// the suite's report. `npx playwright test` alone starts its own server (browser-setup.mjs).
//
// The page is served by the conformance server's second origin (http://localhost:<port2>), so
// every API call to http://127.0.0.1:<port> is cross-origin and goes through CORS; the page
// imports the build a browser bundler picks (package.json exports, "browser" condition:
// dist/index.browser.js, without the redirect follower), harness and suite as ES modules.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { ROOT, suiteEnv, brokenReport, exportedFile, RUNTIME_TIMEOUT_MS } from "./common.mjs";

export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

/** The Playwright projects: Debian's browsers, never a Playwright download. */
export const BROWSERS = {
  chromium: { project: "debian-chromium", runtime: "Chromium", family: "chromium", executablePath: "/usr/bin/chromium" },
  // Playwright 1.64.1 drives Firefox ESR over WebDriver BiDi (channel "moz-firefox"); 1.65 breaks it.
  firefox: { project: "debian-firefox-esr", runtime: "Firefox ESR", family: "firefox", executablePath: "/usr/bin/firefox-esr" },
};

/** How the spec finds the server and where it writes the report (set by runInBrowser or browser-setup.mjs). */
export const ENV = {
  server: "TIERFETCH_CONFORMANCE_SERVER", // JSON { url, altUrl, refusedUrl }
  report: "TIERFETCH_CONFORMANCE_REPORT_DIR", // the spec writes <dir>/<project>.json
  options: "TIERFETCH_CONFORMANCE_OPTIONS", // JSON { filter, verbose, smoke }
};

const PLAYWRIGHT_CLI = path.join(ROOT, "node_modules/@playwright/test/cli.js");
/** The installed @playwright/test (1.64.1: 1.65 breaks Firefox ESR's moz-firefox channel). */
export const PLAYWRIGHT_VERSION = JSON.parse(readFileSync(path.join(ROOT, "node_modules/@playwright/test/package.json"), "utf8")).version;

/**
 * Loads the harness and the suite in the page, runs it against the built package and returns
 * the harness's report ({ results, passed, failed, skipped, ms }). Knows nothing of the tests.
 */
export async function runSuiteInPage(page, server, family, options = {}) {
  await page.goto(`${server.altUrl}/conformance.html`);
  const env = { ...suiteEnv(server, family, options), build: exportedFile(["browser", "import"]).replace(/^\.\//, "/") };
  return page.evaluate(async (env) => {
    const origin = location.origin;
    const { createHarness } = await import(`${origin}/test/conformance/harness.js`);
    const { defineSuite, defineSmoke } = await import(`${origin}/test/conformance/suite.js`);
    const h = createHarness({ timeout: env.testTimeout, filter: env.filter });
    if (env.smoke) defineSmoke(h, env);
    else defineSuite(h, await import(`${origin}${env.build}`), env, { otel: await import(`${origin}/dist/otel-tracing.js`).catch(() => undefined) });
    return h.run();
  }, env);
}

/**
 * One browser's run for run-all.mjs: `playwright test --project <name>` with the given server.
 * Resolves to a list with one report; never rejects (a browser that cannot run is one failure).
 * @param {typeof BROWSERS[keyof typeof BROWSERS]} browser
 */
export async function runInBrowser(browser, server, options = {}) {
  const started = Date.now();
  if (!existsSync(browser.executablePath)) {
    return [brokenReport(browser.runtime, "?", `${browser.executablePath} is missing: run \`bash scripts/ensure-browsers.sh\` (as root)`)];
  }
  const reportDir = path.join(ROOT, `.tmp/playwright-report-${process.pid}-${browser.family}`);
  rmSync(reportDir, { recursive: true, force: true });
  mkdirSync(reportDir, { recursive: true });
  const env = {
    ...process.env,
    [ENV.server]: JSON.stringify({ url: server.url, altUrl: server.altUrl, refusedUrl: server.refusedUrl }),
    [ENV.report]: reportDir,
    [ENV.options]: JSON.stringify({ filter: options.filter ?? null, verbose: Boolean(options.verbose), smoke: Boolean(options.smoke) }),
  };
  const args = [PLAYWRIGHT_CLI, "test", "--config", path.join(ROOT, "playwright.config.ts"), "--project", browser.project, "--reporter", "line"];
  const { code, output } = await runPlaywright(args, env, options.verbose);
  const file = path.join(reportDir, `${browser.project}.json`);
  try {
    if (!existsSync(file)) {
      // The first error Playwright printed says why (a launch failure, a page error), the tail where.
      const lines = output.split("\n").filter((l) => l.trim());
      const why = lines.find((l) => /\b\w*Error\b:/.test(l))?.trim();
      const detail = [why, ...lines.slice(-3)].filter(Boolean).join("\n");
      return [brokenReport(browser.runtime, "?", `playwright test --project ${browser.project} exited with ${code} and no report\n${detail}`)];
    }
    const report = JSON.parse(readFileSync(file, "utf8"));
    return [{ runtime: browser.runtime, ...report, ms: Date.now() - started }];
  } finally {
    rmSync(reportDir, { recursive: true, force: true });
  }
}

function runPlaywright(args, env, verbose) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (b) => {
      if (verbose) process.stderr.write(b);
      output += b;
      if (output.length > 200_000) output = output.slice(-100_000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    // Playwright has its own timeouts (playwright.config.ts); this one only ends a hung runner.
    const timer = setTimeout(() => child.kill("SIGKILL"), RUNTIME_TIMEOUT_MS + 60_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: -1, output: `${output}\n${error.message}` });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal, output });
    });
  });
}
