/**
 * `trackUpload(onProgress)`: upload progress for the requests that ask for it, as the value of
 * their `onUploadProgress` option. Only an app that imports it bundles the counted stream and
 * the XMLHttpRequest path (http/upload-progress.ts, http/xhr-fetch.ts).
 */
import type { Progress } from "../options/progress.js";
import { check } from "../options/option-error.js";
import { prepareUpload } from "../http/upload-progress.js";
import { PREPARE_UPLOAD, type UploadTracker } from "../http/upload-tracker.js";

/**
 * Makes the value of a request's `onUploadProgress`: `onProgress` is called as the body
 * uploads. Where the runtime streams uploads (Node, Deno, Bun, workerd, edge-runtime) the body
 * goes as a counted stream (chunked); in a browser it goes through XMLHttpRequest, which
 * reports real progress (unless the client has its own `fetch` or `redirect` is not
 * `"follow"`: then one 100 % event comes when the response starts).
 * @example
 * import { createClient, trackUpload } from "tierfetch";
 * await api.post("files", { body: file, onUploadProgress: trackUpload(({ percent }) => bar.set(percent)) });
 */
export function trackUpload(onProgress: (progress: Progress) => void): UploadTracker {
  check(typeof onProgress === "function", "trackUpload", "needs a function");
  const tracker = ((progress: Progress) => onProgress(progress)) as UploadTracker & { [PREPARE_UPLOAD]: UploadTracker[typeof PREPARE_UPLOAD] };
  tracker[PREPARE_UPLOAD] = prepareUpload;
  return tracker;
}
