// Conformance in Debian's Firefox ESR (/usr/bin/firefox-esr) driven by playwright-core 1.64.1
// over WebDriver BiDi (channel "moz-firefox"; 1.65 breaks this channel).
//   node test/runtimes/firefox.mjs [--grep re]
import { runInBrowser } from "./browser.mjs";
import { standalone } from "./common.mjs";

export const run = (server, options) =>
  runInBrowser({ runtime: "Firefox ESR", family: "firefox", executablePath: "/usr/bin/firefox-esr" }, server, options);

await standalone(import.meta.url, run);
