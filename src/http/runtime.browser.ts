/** The browser build's runtime.ts (swapped in by tsup.config.ts): always a browser. */
import type * as Runtime from "./runtime.js";

export const isBrowser: typeof Runtime.isBrowser = () => true;
