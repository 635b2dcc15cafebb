/** What the client needs to know about the runtime it runs in. */

/**
 * True in a browser (a page or a worker): there fetch follows redirects itself (they are
 * opaque to the client) and cannot stream an upload over HTTP/1.1. The browser build
 * (runtime.browser.ts) has `true` here, so that what only other runtimes need drops out.
 */
export const IN_BROWSER: boolean = /* @__PURE__ */ detect();

function detect(): boolean {
  const g = globalThis as { document?: unknown; navigator?: { userAgent?: string } };
  return g.document !== undefined || /Mozilla\/5\.0 \(/.test(g.navigator?.userAgent ?? "");
}
