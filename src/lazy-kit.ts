/**
 * What the lazily loaded code (src/lazy.ts) uses from the client's modules, handed to it as one
 * object: importing them from there would move them into a chunk shared with the lazy one, and
 * the one-request app would load two files (see lazy.ts).
 */
import { HttpError } from "./errors/http-error.js";
import { NetworkError } from "./errors/network-error.js";
import { TimeoutError } from "./errors/timeout-error.js";
import { ValidationError } from "./errors/validation-error.js";
import { eachHeader } from "./headers.js";
import { check } from "./option-error.js";
import { backoffDelay, isRetryable, parseRetryAfter } from "./retry.js";
import { sleep } from "./timeouts.js";

export const kit = { check, eachHeader, backoffDelay, isRetryable, parseRetryAfter, sleep, HttpError, NetworkError, TimeoutError, ValidationError };

export type Kit = typeof kit;
