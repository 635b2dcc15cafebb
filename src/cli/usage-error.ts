/** A mistake in the command line; its message is one line, without the usage hint (exit status 2). */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A word the user typed, quoted for a usage error and cut short: a pasted blob stays one line. */
export function quoteInput(text: string, max = 60): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}
