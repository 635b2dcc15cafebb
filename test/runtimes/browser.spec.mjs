// The conformance suite in a browser, as one @playwright/test test per project of
// playwright.config.ts. The suite itself runs in the page (runSuiteInPage); this test fails
// with the list of the checks that failed, and hands the whole report to run-all.mjs.
import { test, expect } from "@playwright/test";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { BROWSERS, ENV, PLAYWRIGHT_VERSION, runSuiteInPage } from "./browser.mjs";

// Before the browser is launched: a Playwright that cannot drive Firefox ESR fails with a
// reason instead of a protocol error.
test.beforeAll(({}, testInfo) => {
  const [major, minor] = PLAYWRIGHT_VERSION.split(".").map(Number);
  if (testInfo.project.name === BROWSERS.firefox.project && (major > 1 || minor >= 65)) {
    throw new Error(`@playwright/test ${PLAYWRIGHT_VERSION} cannot drive Firefox ESR over moz-firefox (1.65 broke it): pin 1.64.1`);
  }
});

test("conformance suite against dist/", async ({ page, browser, browserName }, testInfo) => {
  const server = JSON.parse(process.env[ENV.server] ?? "null");
  if (!server) throw new Error(`${ENV.server} is not set: run this through playwright.config.ts, whose globalSetup starts the server`);
  const options = JSON.parse(process.env[ENV.options] ?? "{}");

  const report = await runSuiteInPage(page, server, browserName, options);
  const version = `${browserName} ${browser.version()}`;

  const dir = process.env[ENV.report];
  if (dir) writeFileSync(path.join(dir, `${testInfo.project.name}.json`), JSON.stringify({ version, ...report }));
  await testInfo.attach("conformance-report.json", { body: JSON.stringify({ version, ...report }, null, 2), contentType: "application/json" });
  console.log(`${testInfo.project.name} (${version}): ${report.passed} passed, ${report.failed} failed, ${report.skipped ?? 0} skipped`);

  const failures = report.results.filter((r) => r.status === "failed").map((r) => `${r.name}: ${r.error}`);
  expect(failures, `${failures.length} of ${report.passed + report.failed} conformance checks failed in ${version}`).toEqual([]);
  expect(report.passed, "the suite ran no test").toBeGreaterThan(0);
});
