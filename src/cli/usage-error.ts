/** A mistake in the command line; its message is one line, without the usage hint (exit status 2). */
export class UsageError extends Error {
  override name = "UsageError";
}
