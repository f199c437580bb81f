import { silentLogger } from '@hearth/core';
import type { Logger } from '@hearth/core';
import { commError, CommErrorCode } from '../errors.js';
import { checkInteger } from '../internal/check-integer.js';

/** Settings of the WebSocket driver that are not per listener or per connection. */
export interface WsDriverOptions {
  /**
   * Interval of liveness pings, both ways. A peer that has not answered the previous ping when the next
   * one is due is taken as dead and its connection is terminated with HEARTBEAT_TIMEOUT. @default 15000
   */
  readonly heartbeatIntervalMs?: number;
  /** How long an orderly close waits for the peer's close frame before the socket is destroyed. @default 2000 */
  readonly closeTimeoutMs?: number;
  /** HTTP path of the WebSocket endpoint; other paths are refused. @default '/hearth/v1/frames' */
  readonly path?: string;
  /** Where listeners report failed TLS handshakes (debug) and server errors (error). @default silentLogger() */
  readonly logger?: Logger;
}

/** {@link WsDriverOptions} with defaults filled in and checked. */
export interface CompiledWsDriverOptions {
  readonly heartbeatIntervalMs: number;
  readonly closeTimeoutMs: number;
  readonly path: string;
  readonly logger: Logger;
}

/** Fills in the defaults of {@link WsDriverOptions} and checks them. */
export function compileWsDriverOptions(options: WsDriverOptions = {}): CompiledWsDriverOptions {
  const path = options.path ?? '/hearth/v1/frames';
  if (typeof path !== 'string' || !/^\/[\w\-./]*$/.test(path)) {
    throw commError(CommErrorCode.INVALID_OPTIONS, `ws: path must start with / and use only letters, digits, -, _, . and /; got ${String(path)}`, {
      context: { option: 'path', value: path },
    });
  }
  return {
    heartbeatIntervalMs: checkInteger(options.heartbeatIntervalMs ?? 15_000, { name: 'ws: heartbeatIntervalMs', min: 10, max: 3_600_000 }),
    closeTimeoutMs: checkInteger(options.closeTimeoutMs ?? 2000, { name: 'ws: closeTimeoutMs', min: 1, max: 600_000 }),
    path,
    logger: options.logger ?? silentLogger(),
  };
}
