import type { HearthError } from '@hearth/core';
import { commError, CommErrorCode, isCommErrorCode } from '../errors.js';
import type { CommErrorCodeValue } from '../errors.js';

/** Close code a Hearth peer uses when it closes because of an error; the reason text is the error code. */
export const HEARTH_ERROR_CLOSE_CODE = 4000;

/** What a close frame's code means, when the reason does not carry a Hearth code. */
function meaningOfCloseCode(code: number): { readonly code: CommErrorCodeValue; readonly meaning: string } | undefined {
  switch (code) {
    case 1000:
    case 1001:
    case 1005:
      return undefined;
    case 1002:
    case 1003:
    case 1007:
      return { code: CommErrorCode.PROTOCOL_VIOLATION, meaning: 'the peer saw a protocol violation' };
    case 1009:
      return { code: CommErrorCode.FRAME_TOO_LARGE, meaning: 'a frame exceeded the maximum message size' };
    case 1008:
      return { code: CommErrorCode.AUTH_FAILED, meaning: 'the peer refused this connection by policy' };
    case 1006:
      return { code: CommErrorCode.CONNECTION_CLOSED, meaning: 'the connection was lost without a close frame' };
    default:
      return { code: CommErrorCode.TRANSPORT, meaning: 'the peer closed the connection' };
  }
}

/**
 * The error (or none, for a normal close) that a received WebSocket close frame stands for: a Hearth
 * peer's own error code when the reason carries one, otherwise the meaning of the standard close code.
 */
export function wsCloseError(close: { readonly code: number; readonly reason: string; readonly address: string }): HearthError | undefined {
  const [carried, ...rest] = close.reason.split(': ');
  if (close.code === HEARTH_ERROR_CLOSE_CODE && carried !== undefined && isCommErrorCode(carried)) {
    return commError(carried, `ws: peer ${close.address} closed the connection: ${rest.join(': ') || carried}`, {
      context: { driver: 'ws', address: close.address, closeCode: close.code },
    });
  }
  const meaning = meaningOfCloseCode(close.code);
  if (meaning === undefined) return undefined;
  const reason = close.reason === '' ? '' : `, reason "${close.reason}"`;
  return commError(meaning.code, `ws: connection to ${close.address} ended: ${meaning.meaning} (close code ${close.code}${reason})`, {
    context: { driver: 'ws', address: close.address, closeCode: close.code },
  });
}

/** The error for a failure the ws library reported on an open connection (bad frame, oversized message, socket error). */
export function wsSocketError(error: Error, address: string): HearthError {
  const code = (error as { code?: unknown }).code;
  const wsCode = typeof code === 'string' ? code : '';
  const mapped =
    wsCode === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'
      ? CommErrorCode.FRAME_TOO_LARGE
      : wsCode.startsWith('WS_ERR_')
        ? CommErrorCode.PROTOCOL_VIOLATION
        : CommErrorCode.CONNECTION_CLOSED;
  return commError(mapped, `ws: connection to ${address} failed: ${error.message}${wsCode === '' ? '' : ` (${wsCode})`}`, {
    context: { driver: 'ws', address, wsCode },
    cause: error,
  });
}

/** Close-frame reason for closing because of `error`: the code and as much of the message as fits in 123 bytes. */
export function closeReasonFor(error: HearthError): string {
  let reason = `${error.code}: ${error.message}`.slice(0, 123);
  while (Buffer.byteLength(reason, 'utf8') > 123) reason = reason.slice(0, -1);
  return reason;
}
