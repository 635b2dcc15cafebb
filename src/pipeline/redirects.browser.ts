/**
 * The browser build's redirects.ts (swapped in by tsup.config.ts): browsers follow redirects
 * inside fetch and never show them to a script, so the client never follows one there and the
 * follower is left out. Each export has the real one's type; none is ever reached with a redirect.
 */
import type * as Follower from "./redirects.js";

export const isRedirectStatus: typeof Follower.isRedirectStatus = () => false;
export const isRedirect: typeof Follower.isRedirect = () => false;
export const markRedirected: typeof Follower.markRedirected = (response) => response;
export const nextHop: typeof Follower.nextHop = () => {
  throw new TypeError("tierfetch: the browser build does not follow redirects");
};
