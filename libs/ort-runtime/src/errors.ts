import { HearthError } from '@hearth/core';
import type { HearthErrorOptions } from '@hearth/core';

/**
 * Stable error codes for @hearth/ort-runtime. Session creation, feeds and the worker thread fail with one
 * of these, so a trainer can tell a bad feed (fix the caller) from a dead worker (make a new runner).
 */
export const OrtErrorCode = {
  /** A runner option is out of range or unknown (provider name, thread count, log level). */
  INVALID_OPTIONS: 'HEARTH_ERR_ORT_INVALID_OPTIONS',
  /** No execution provider in the preference list could create a session; `context.attempts` says why each failed. */
  SESSION_CREATE_FAILED: 'HEARTH_ERR_ORT_SESSION_CREATE_FAILED',
  /** A feed names an input the model does not have. */
  UNKNOWN_INPUT: 'HEARTH_ERR_ORT_UNKNOWN_INPUT',
  /** The model has an input that the feeds leave out. */
  MISSING_INPUT: 'HEARTH_ERR_ORT_MISSING_INPUT',
  /** A feed's dtype is not the one the model's input declares. */
  INPUT_DTYPE_MISMATCH: 'HEARTH_ERR_ORT_INPUT_DTYPE_MISMATCH',
  /** A feed's shape does not fit the model's input (rank or a fixed dimension), or its data does not fit its shape. */
  INPUT_SHAPE_MISMATCH: 'HEARTH_ERR_ORT_INPUT_SHAPE_MISMATCH',
  /** A fetch names an output the model does not have. */
  UNKNOWN_OUTPUT: 'HEARTH_ERR_ORT_UNKNOWN_OUTPUT',
  /** A tensor's element type has no counterpart on the other side (BF16 feeds; string, uint32, ... outputs). */
  UNSUPPORTED_DTYPE: 'HEARTH_ERR_ORT_UNSUPPORTED_DTYPE',
  /** onnxruntime rejected or failed a run; `context.ortMessage` holds its message. */
  RUN_FAILED: 'HEARTH_ERR_ORT_RUN_FAILED',
  /** The session's worker thread died (uncaught error, out of memory, exit); the runner is unusable. */
  WORKER_CRASHED: 'HEARTH_ERR_ORT_WORKER_CRASHED',
  /** The runner was closed; pending and later runs fail with this. */
  RUNNER_CLOSED: 'HEARTH_ERR_ORT_RUNNER_CLOSED',
  /** The worker entry could not be located or started from here (e.g. TypeScript sources without @swc-node/register). */
  WORKER_UNAVAILABLE: 'HEARTH_ERR_ORT_WORKER_UNAVAILABLE',
} as const;

/** Union of every error code defined by @hearth/ort-runtime. */
export type OrtErrorCodeValue = (typeof OrtErrorCode)[keyof typeof OrtErrorCode];

const ORT_CODES: ReadonlySet<string> = new Set(Object.values(OrtErrorCode));

/** True when `err` is a Hearth error carrying one of this lib's codes; works across package copies. */
export function isOrtError(err: unknown): err is HearthError {
  if (typeof err !== 'object' || err === null) return false;
  const candidate = err as { name?: unknown; code?: unknown };
  return candidate.name === 'HearthError' && typeof candidate.code === 'string' && ORT_CODES.has(candidate.code);
}

/** Builds an ort-runtime error; `options.context` names what was wrong (input, provider, worker). */
export function ortError(code: OrtErrorCodeValue, message: string, options: HearthErrorOptions = {}): HearthError {
  return new HearthError(code, message, options);
}
