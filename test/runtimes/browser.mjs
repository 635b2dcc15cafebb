// Shared runner of the browser runtimes (Playwright-core driving the Debian browsers).
// The page is served by the conformance server's second origin (http://localhost:<port2>), so
// every API call to http://127.0.0.1:<port> is cross-origin and goes through CORS; the page
// imports the real dist/index.js, harness and suite as ES modules from the server.
import { existsSync, mkdtempSync, rmSync, mkdirSync } from "node:fs";
import path from "node:path";
import { ROOT, suiteEnv, brokenReport, RUNTIME_TIMEOUT_MS } from "./common.mjs";

export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

/**
 * @param {{ runtime: string, family: "chromium" | "firefox", executablePath: string }} browser
 */
export async function runInBrowser(browser, server, options = {}) {
  const started = Date.now();
  let version = "?";
  if (!existsSync(browser.executablePath)) {
    return [brokenReport(browser.runtime, version, `${browser.executablePath} is missing: run \`bash scripts/ensure-browsers.sh\` (as root)`)];
  }
  const { chromium, firefox } = await import("playwright-core");
  mkdirSync(path.join(ROOT, ".tmp"), { recursive: true });
  const profile = mkdtempSync(path.join(ROOT, `.tmp/${browser.family}-profile-`));
  let context;
  try {
    if (browser.family === "chromium") {
      context = await chromium.launchPersistentContext(profile, { executablePath: browser.executablePath, headless: true, args: CHROMIUM_ARGS });
    } else {
      context = await firefox.launchPersistentContext(profile, { channel: "moz-firefox", executablePath: browser.executablePath, headless: true });
    }
    version = `${browser.family} ${context.browser()?.version() ?? (await browserVersion(context))}`;
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors = [];
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    await page.goto(`${server.altUrl}/conformance.html`);
    const env = suiteEnv(server, browser.family, options);
    let timer;
    const report = await Promise.race([
      page.evaluate(async (env) => {
        const origin = location.origin;
        const { createHarness } = await import(`${origin}/test/conformance/harness.js`);
        const { defineSuite, defineSmoke } = await import(`${origin}/test/conformance/suite.js`);
        const h = createHarness({ timeout: env.testTimeout, filter: env.filter });
        if (env.smoke) defineSmoke(h, env);
        else defineSuite(h, await import(`${origin}/dist/index.js`), env);
        return h.run();
      }, env),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no report after ${RUNTIME_TIMEOUT_MS} ms`)), RUNTIME_TIMEOUT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    return [{ runtime: browser.runtime, version, ...report, ms: Date.now() - started }];
  } catch (error) {
    return [brokenReport(browser.runtime, version, error)];
  } finally {
    await context?.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
}

async function browserVersion(context) {
  const page = context.pages()[0] ?? (await context.newPage());
  return page.evaluate(() => navigator.userAgent);
}
