import { HearthError } from '@hearth/core';
import type { HearthErrorOptions } from '@hearth/core';

/**
 * Stable error codes for @hearth/federation: the daemons, their job processes, the network transports, the
 * admin endpoint and POC mode. Callers compare `err.code`; the messages say what was wrong and the
 * `context` fields carry the offending values.
 */
export const FederationErrorCode = {
  /** A server or client config file is missing, not JSON, or breaks its schema; the message names file and JSON path. */
  INVALID_CONFIG: 'HEARTH_ERR_FED_INVALID_CONFIG',
  /** Options handed to a daemon, transport or helper are malformed. */
  INVALID_OPTIONS: 'HEARTH_ERR_FED_INVALID_OPTIONS',
  /** A peer presented an unknown site, a wrong token, or a certificate whose name is not the site it claims. */
  AUTH_FAILED: 'HEARTH_ERR_FED_AUTH_FAILED',
  /** A peer broke the login handshake (no hello in time, malformed hello or answer). */
  HANDSHAKE_FAILED: 'HEARTH_ERR_FED_HANDSHAKE_FAILED',
  /** A message between daemons, or between a daemon and its job process, breaks its schema. */
  INVALID_MESSAGE: 'HEARTH_ERR_FED_INVALID_MESSAGE',
  /** A job bundle is malformed, too large, or names a path outside its folder. */
  INVALID_BUNDLE: 'HEARTH_ERR_FED_INVALID_BUNDLE',
  /** No job with that id. */
  JOB_NOT_FOUND: 'HEARTH_ERR_FED_JOB_NOT_FOUND',
  /** The job has finished; it cannot be aborted or changed any more. */
  JOB_FINISHED: 'HEARTH_ERR_FED_JOB_FINISHED',
  /** The job has no result to download yet. */
  JOB_RESULT_NOT_READY: 'HEARTH_ERR_FED_JOB_RESULT_NOT_READY',
  /** A client was asked to deploy a job it already runs. */
  JOB_ALREADY_RUNNING: 'HEARTH_ERR_FED_JOB_ALREADY_RUNNING',
  /** A job process failed to start, crashed, or did not report in time. */
  JOB_PROCESS_FAILED: 'HEARTH_ERR_FED_JOB_PROCESS_FAILED',
  /** The admin token is missing or wrong. */
  ADMIN_UNAUTHORIZED: 'HEARTH_ERR_FED_ADMIN_UNAUTHORIZED',
  /** An admin request is malformed (unknown route, bad body, bad query). */
  ADMIN_BAD_REQUEST: 'HEARTH_ERR_FED_ADMIN_BAD_REQUEST',
  /** The admin endpoint could not be reached or answered with an error. */
  ADMIN_REQUEST_FAILED: 'HEARTH_ERR_FED_ADMIN_REQUEST_FAILED',
  /** A POC folder is missing, incomplete, or in the wrong state for the command (running when it must be stopped). */
  POC_STATE: 'HEARTH_ERR_FED_POC_STATE',
  /** Waiting for something (a daemon to listen, a job to start) took longer than allowed. */
  TIMEOUT: 'HEARTH_ERR_FED_TIMEOUT',
  /** The daemon, session or transport is closed. */
  CLOSED: 'HEARTH_ERR_FED_CLOSED',
} as const;

/** Union of every error code defined by @hearth/federation. */
export type FederationErrorCodeValue = (typeof FederationErrorCode)[keyof typeof FederationErrorCode];

/** Builds a {@link HearthError} with a federation code; `options.context` names what was wrong. */
export function federationError(code: FederationErrorCodeValue, message: string, options: HearthErrorOptions = {}): HearthError {
  return new HearthError(code, message, options);
}
