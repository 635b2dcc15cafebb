/** What the client needs to know about the runtime it runs in. */

let browser: boolean | undefined;

/**
 * True in a browser (a page or a worker): there fetch follows redirects itself (they are
 * opaque to the client) and cannot stream an upload over HTTP/1.1.
 */
export function isBrowser(): boolean {
  if (browser === undefined) {
    const g = globalThis as { document?: unknown; navigator?: { userAgent?: string } };
    browser = g.document !== undefined || /Mozilla\/5\.0 \(/.test(g.navigator?.userAgent ?? "");
  }
  return browser;
}
