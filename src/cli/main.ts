/// <reference types="node" />
/**
 * `tierfetch` on the command line. Node only; bundled by tsup into dist/cli.js (with
 * picocolors inside, so the package keeps no runtime dependencies).
 */
import { Interrupted } from "./failure.js";
import { run } from "./run.js";

const controller = new AbortController();
process.once("SIGINT", () => {
  controller.abort(new Interrupted());
  // A second Ctrl-C does not wait for anything.
  process.once("SIGINT", () => process.exit(130));
});
// `tierfetch ... | head -c 100`: the reader left. Stop quietly and at once: exiting closes the
// connection, so the rest of the body is never downloaded.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

const code = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }, controller.signal).catch((error: unknown) => {
  process.stderr.write(`tierfetch: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
});
// Exit once stdout and stderr are flushed, without waiting for idle keep-alive sockets.
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
