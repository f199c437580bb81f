import { HearthError } from '@hearth/core';

/**
 * Stable error codes for @hearth/engine. Callers compare `err.code`; the messages say what was wrong and
 * the `context` fields carry the offending values.
 */
export const EngineErrorCode = {
  /** Engine or simulator options are malformed (no clients, threads < 1, missing codec, ...). */
  INVALID_OPTIONS: 'HEARTH_ERR_ENGINE_INVALID_OPTIONS',
  /** A ServerApp or ClientApp is malformed (a workflow that is not a Controller, two executors for a task, ...). */
  INVALID_APP: 'HEARTH_ERR_ENGINE_INVALID_APP',
  /** `run()` was called on an engine or simulator that already ran. */
  ALREADY_RUN: 'HEARTH_ERR_ENGINE_ALREADY_RUN',
  /** A message was addressed to a client the transport does not know or that is not connected. */
  UNKNOWN_CLIENT: 'HEARTH_ERR_ENGINE_UNKNOWN_CLIENT',
  /** A site tried to connect twice to the same transport. */
  DUPLICATE_CLIENT: 'HEARTH_ERR_ENGINE_DUPLICATE_CLIENT',
  /** The transport was closed, or the client is not connected. */
  TRANSPORT_CLOSED: 'HEARTH_ERR_ENGINE_TRANSPORT_CLOSED',
  /** A filter returned something that is not a Shareable. */
  FILTER_RESULT_INVALID: 'HEARTH_ERR_ENGINE_FILTER_RESULT_INVALID',
  /** An analytics point or message is malformed (empty key, a value that is not finite, bad bytes, ...). */
  INVALID_ANALYTICS: 'HEARTH_ERR_ENGINE_INVALID_ANALYTICS',
} as const;

/** Union of every error code defined by @hearth/engine. */
export type EngineErrorCodeValue = (typeof EngineErrorCode)[keyof typeof EngineErrorCode];

/** Builds a {@link HearthError} with an engine code and the context fields that say what was wrong. */
export function engineError(code: EngineErrorCodeValue, message: string, context: Readonly<Record<string, unknown>> = {}): HearthError {
  return new HearthError(code, message, { context });
}
