/**
 * The value of `onUploadProgress`: a progress callback that also carries how to count an
 * upload, made only by `trackUpload()` (features/track-upload.ts). The attempt calls what the
 * value carries, so the upload code is in a bundle only when the app imports `trackUpload`.
 */
import type { Progress } from "../options/progress.js";
import type { UploadHop, UploadPlan, UploadRequest } from "./upload-progress.js";

/** @internal The key of an upload tracker's way to prepare an upload. */
export const PREPARE_UPLOAD: unique symbol = Symbol("tierfetch.upload");

/** A progress callback made by `trackUpload()`: pass it as `onUploadProgress`. */
export interface UploadTracker {
  (progress: Progress): void;
  /** @internal */
  readonly [PREPARE_UPLOAD]: (hop: UploadHop, request: UploadRequest) => Promise<UploadPlan>;
}

/** True for a value `trackUpload()` made. */
export const isUploadTracker = (value: unknown): value is UploadTracker => typeof value === "function" && typeof (value as Partial<UploadTracker>)[PREPARE_UPLOAD] === "function";
