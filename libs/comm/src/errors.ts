import { HearthError } from '@hearth/core';
import type { HearthErrorOptions } from '@hearth/core';

/**
 * Stable error codes for @hearth/comm. Every failure of a driver, a connection or a {@link Messenger}
 * carries one of these, so callers (daemons, the simulator) decide by `err.code` whether to reconnect,
 * retry, or give up.
 */
export const CommErrorCode = {
  /** Options handed to a driver, a messenger or a sink are missing or out of range. */
  INVALID_OPTIONS: 'HEARTH_ERR_COMM_INVALID_OPTIONS',
  /** The listener could not bind its address (port in use, bad host, bad certificate). */
  LISTEN_FAILED: 'HEARTH_ERR_COMM_LISTEN_FAILED',
  /** The peer could not be reached, or the connection broke before it was established. */
  CONNECT_FAILED: 'HEARTH_ERR_COMM_CONNECT_FAILED',
  /** TLS refused the peer: no client certificate, a certificate from an unknown CA, a name mismatch. */
  AUTH_FAILED: 'HEARTH_ERR_COMM_AUTH_FAILED',
  /** The connection is closed (by either side); nothing more can be sent on it. */
  CONNECTION_CLOSED: 'HEARTH_ERR_COMM_CONNECTION_CLOSED',
  /** A messenger has no connection attached right now. */
  NOT_CONNECTED: 'HEARTH_ERR_COMM_NOT_CONNECTED',
  /** The peer stopped answering liveness pings. */
  HEARTBEAT_TIMEOUT: 'HEARTH_ERR_COMM_HEARTBEAT_TIMEOUT',
  /** A frame is larger than the connection's maximum frame size. */
  FRAME_TOO_LARGE: 'HEARTH_ERR_COMM_FRAME_TOO_LARGE',
  /** The peer sent something that breaks the protocol (malformed frame, flow-control breach); the connection is closed. */
  PROTOCOL_VIOLATION: 'HEARTH_ERR_COMM_PROTOCOL_VIOLATION',
  /** The peer does not read what this side sends, so outgoing frames pile up; the connection is closed. */
  PEER_NOT_READING: 'HEARTH_ERR_COMM_PEER_NOT_READING',
  /** No reply arrived in time, or an interrupted transfer was not resumed in time. */
  TIMEOUT: 'HEARTH_ERR_COMM_TIMEOUT',
  /** The caller aborted the operation through its AbortSignal, or the messenger was closed. */
  ABORTED: 'HEARTH_ERR_COMM_ABORTED',
  /** The peer has no handler for the topic of a request or a stream. */
  NO_HANDLER: 'HEARTH_ERR_COMM_NO_HANDLER',
  /** The peer is running as many request handlers as it allows; try again later. */
  BUSY: 'HEARTH_ERR_COMM_BUSY',
  /** The peer's handler failed; the context holds the peer's own code as `remoteCode`. */
  REMOTE_ERROR: 'HEARTH_ERR_COMM_REMOTE_ERROR',
  /** A chunk or a whole streamed payload does not match its CRC-32. */
  CHECKSUM_MISMATCH: 'HEARTH_ERR_COMM_CHECKSUM_MISMATCH',
  /** A streamed payload is larger than the receiver accepts, or too many transfers are open. */
  LIMIT_EXCEEDED: 'HEARTH_ERR_COMM_LIMIT_EXCEEDED',
  /** The receiver refused or cancelled a transfer; the context says why (`remoteCode`). */
  TRANSFER_FAILED: 'HEARTH_ERR_COMM_TRANSFER_FAILED',
  /** A messenger was attached to a connection whose peer identity differs from the one it serves. */
  PEER_MISMATCH: 'HEARTH_ERR_COMM_PEER_MISMATCH',
  /** A transport failed in a way none of the other codes describe; `cause` holds the original error. */
  TRANSPORT: 'HEARTH_ERR_COMM_TRANSPORT',
} as const;

/** Union of every error code defined by @hearth/comm. */
export type CommErrorCodeValue = (typeof CommErrorCode)[keyof typeof CommErrorCode];

const COMM_CODES: ReadonlySet<string> = new Set(Object.values(CommErrorCode));

/** True when `code` is one of comm's codes (for codes that arrive as text from a peer). */
export function isCommErrorCode(code: string): code is CommErrorCodeValue {
  return COMM_CODES.has(code);
}

/** True when `err` is a Hearth error carrying one of comm's codes; works across package copies. */
export function isCommError(err: unknown): err is HearthError {
  if (typeof err !== 'object' || err === null) return false;
  const candidate = err as { name?: unknown; code?: unknown };
  return candidate.name === 'HearthError' && typeof candidate.code === 'string' && COMM_CODES.has(candidate.code);
}

/** Builds a comm error; `options.context` names what was wrong (peer, topic, transfer, limit). */
export function commError(code: CommErrorCodeValue, message: string, options: HearthErrorOptions = {}): HearthError {
  return new HearthError(code, message, options);
}
