/// <reference types="node" />
/**
 * The head of an error response's body, for stdout (an API's error JSON is often the useful
 * part): at most {@link ERROR_BODY_MAX_BYTES}, read within {@link ERROR_BODY_WAIT_MS}; the rest
 * is cancelled, so a huge or endless error body costs neither memory nor time.
 */
import { concatBytes } from "./concat-bytes.js";

export const ERROR_BODY_MAX_BYTES = 64 * 1024;
const ERROR_BODY_WAIT_MS = 3000;

export interface ErrorBodyHead {
  bytes: Uint8Array;
  /** More followed and was not read. */
  cut: boolean;
}

export async function readErrorBodyHead(response: Response | undefined): Promise<ErrorBodyHead | undefined> {
  if (!response?.body || response.bodyUsed) return undefined;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let cut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const giveUp = new Promise<"late">((resolve) => {
    timer = setTimeout(resolve, ERROR_BODY_WAIT_MS, "late");
  });
  try {
    while (size < ERROR_BODY_MAX_BYTES) {
      const r = await Promise.race([reader.read(), giveUp]);
      if (r === "late") {
        cut = true;
        break;
      }
      if (r.done) break;
      const room = ERROR_BODY_MAX_BYTES - size;
      if (r.value.length > room) cut = true;
      chunks.push(r.value.subarray(0, room));
      size += Math.min(r.value.length, room);
    }
    if (size >= ERROR_BODY_MAX_BYTES) cut = true;
  } catch {
    // The connection broke: what arrived is shown, the error line says the rest.
    cut = true;
  } finally {
    clearTimeout(timer);
    reader.cancel().catch(() => {});
  }
  return { bytes: concatBytes(chunks), cut };
}
