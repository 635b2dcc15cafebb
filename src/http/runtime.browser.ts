/** The browser build's runtime.ts (swapped in by tsup.config.ts): always a browser. */
export const IN_BROWSER = true;
