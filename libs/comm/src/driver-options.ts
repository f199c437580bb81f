import type { ConnectOptions, ListenOptions } from './driver.js';
import { commError, CommErrorCode } from './errors.js';
import { checkInteger } from './internal/check-integer.js';

/** Default largest frame: a 1 MiB stream chunk and its header fit with room to spare. */
export const DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024;

const MIN_FRAME_BYTES = 1024;
const MAX_FRAME_BYTES = 1024 * 1024 * 1024;

/** {@link ListenOptions} with defaults filled in and checked; made by {@link compileListenOptions}. */
export interface CompiledListenOptions {
  readonly host: string;
  readonly port: number;
  readonly maxFrameBytes: number;
  readonly onConnection: ListenOptions['onConnection'];
}

/** {@link ConnectOptions} with defaults filled in and checked; made by {@link compileConnectOptions}. */
export interface CompiledConnectOptions {
  readonly host: string;
  readonly port: number;
  readonly maxFrameBytes: number;
  readonly connectTimeoutMs: number;
}

function checkHost(value: unknown, driver: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw commError(CommErrorCode.INVALID_OPTIONS, `${driver}: host must be a non-empty string, got ${String(value)}`, { context: { driver } });
  }
  return value;
}

/** Fills in the defaults of {@link ListenOptions} (127.0.0.1, port 0, 4 MiB frames) and checks them. */
export function compileListenOptions(options: ListenOptions, driver: string): CompiledListenOptions {
  if (typeof options.onConnection !== 'function') {
    throw commError(CommErrorCode.INVALID_OPTIONS, `${driver}: listen() needs an onConnection callback`, { context: { driver } });
  }
  return {
    host: checkHost(options.host ?? '127.0.0.1', driver),
    port: checkInteger(options.port ?? 0, { name: `${driver}: port`, min: 0, max: 65535 }),
    maxFrameBytes: checkInteger(options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES, {
      name: `${driver}: maxFrameBytes`,
      min: MIN_FRAME_BYTES,
      max: MAX_FRAME_BYTES,
    }),
    onConnection: options.onConnection,
  };
}

/** Fills in the defaults of {@link ConnectOptions} (4 MiB frames, 10 s to connect) and checks them. */
export function compileConnectOptions(options: ConnectOptions, driver: string): CompiledConnectOptions {
  return {
    host: checkHost(options.host, driver),
    port: checkInteger(options.port, { name: `${driver}: port`, min: 1, max: 65535 }),
    maxFrameBytes: checkInteger(options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES, {
      name: `${driver}: maxFrameBytes`,
      min: MIN_FRAME_BYTES,
      max: MAX_FRAME_BYTES,
    }),
    connectTimeoutMs: checkInteger(options.connectTimeoutMs ?? 10_000, { name: `${driver}: connectTimeoutMs`, min: 1, max: 3_600_000 }),
  };
}
