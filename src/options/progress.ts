/**
 * What progress callbacks are told (`onDownloadProgress`, `trackUpload`): a module of its own,
 * so the upload tracker's types need nothing else of the options.
 */

/** Progress of a body download or upload. */
export interface Progress {
  /** Bytes received so far. */
  loaded: number;
  /** Content-Length when known (and the body is not content-encoded). */
  total: number | undefined;
  /** 0–100 when `total` is known. */
  percent: number | undefined;
}
