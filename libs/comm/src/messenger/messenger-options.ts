import { silentLogger } from '@hearth/core';
import type { Logger } from '@hearth/core';
import { checkInteger } from '../internal/check-integer.js';
import { MAX_WINDOW } from '../wire/wire-frame.js';

/** Options for {@link Messenger}. */
export interface MessengerOptions {
  /** Where warnings go (protocol violations, failed fire-and-forget handlers). @default silentLogger() */
  readonly logger?: Logger;
  /**
   * The certificate identity the peer must have. When absent, the first attached connection's identity
   * is pinned, so a messenger can never be handed to a connection of another site.
   */
  readonly peerIdentity?: string;
  /** Default time a request waits for its reply. @default 30000 */
  readonly requestTimeoutMs?: number;
  /** Bytes per chunk of outgoing streams. @default 1048576 (1 MiB) */
  readonly chunkBytes?: number;
  /** Outgoing streams keep at most this many chunks sent and unacknowledged. @default 8 */
  readonly window?: number;
  /** Largest chunk accepted from the peer. @default 4194304 (4 MiB) */
  readonly maxInboundChunkBytes?: number;
  /** Largest window accepted from the peer; bounds the chunks buffered per incoming transfer. @default 32 */
  readonly maxInboundWindow?: number;
  /** Incoming transfers open at once. @default 16 */
  readonly maxInboundTransfers?: number;
  /** Largest stream `meta` accepted or sent, in bytes. @default 65536 */
  readonly maxMetaBytes?: number;
  /** Handlers running at once; a request beyond it is answered BUSY at once. @default 64 */
  readonly maxConcurrentHandlers?: number;
  /** How long an interrupted outgoing transfer waits for a new connection before it fails. @default 300000 */
  readonly resumeTimeoutMs?: number;
  /** How long the partial state of an interrupted incoming transfer is kept for a resume. @default 600000 */
  readonly partialTtlMs?: number;
  /**
   * Control frames (acknowledgements, replies to protocol events) queued in the transport at once; beyond
   * it the peer is not reading and the connection is closed with PEER_NOT_READING. @default 1024
   */
  readonly maxQueuedControlFrames?: number;
}

/** {@link MessengerOptions} with every default filled in and checked. */
export interface CompiledMessengerOptions {
  readonly logger: Logger;
  readonly peerIdentity: string | undefined;
  readonly requestTimeoutMs: number;
  readonly chunkBytes: number;
  readonly window: number;
  readonly maxInboundChunkBytes: number;
  readonly maxInboundWindow: number;
  readonly maxInboundTransfers: number;
  readonly maxMetaBytes: number;
  readonly maxConcurrentHandlers: number;
  readonly resumeTimeoutMs: number;
  readonly partialTtlMs: number;
  readonly maxQueuedControlFrames: number;
}

const HOUR_MS = 3_600_000;
const MAX_CHUNK_BYTES = 64 * 1024 * 1024;

/** Fills in the defaults of {@link MessengerOptions} and rejects values out of range with INVALID_OPTIONS. */
export function compileMessengerOptions(options: MessengerOptions = {}): CompiledMessengerOptions {
  return {
    logger: options.logger ?? silentLogger(),
    peerIdentity: options.peerIdentity,
    requestTimeoutMs: checkInteger(options.requestTimeoutMs ?? 30_000, { name: 'requestTimeoutMs', min: 1, max: 24 * HOUR_MS }),
    chunkBytes: checkInteger(options.chunkBytes ?? 1024 * 1024, { name: 'chunkBytes', min: 1, max: MAX_CHUNK_BYTES }),
    window: checkInteger(options.window ?? 8, { name: 'window', min: 1, max: MAX_WINDOW }),
    maxInboundChunkBytes: checkInteger(options.maxInboundChunkBytes ?? 4 * 1024 * 1024, { name: 'maxInboundChunkBytes', min: 1, max: MAX_CHUNK_BYTES }),
    maxInboundWindow: checkInteger(options.maxInboundWindow ?? 32, { name: 'maxInboundWindow', min: 1, max: MAX_WINDOW }),
    maxInboundTransfers: checkInteger(options.maxInboundTransfers ?? 16, { name: 'maxInboundTransfers', min: 1, max: 65_536 }),
    maxMetaBytes: checkInteger(options.maxMetaBytes ?? 65_536, { name: 'maxMetaBytes', min: 0, max: MAX_CHUNK_BYTES }),
    maxConcurrentHandlers: checkInteger(options.maxConcurrentHandlers ?? 64, { name: 'maxConcurrentHandlers', min: 1, max: 65_536 }),
    resumeTimeoutMs: checkInteger(options.resumeTimeoutMs ?? 300_000, { name: 'resumeTimeoutMs', min: 1, max: 24 * HOUR_MS }),
    partialTtlMs: checkInteger(options.partialTtlMs ?? 600_000, { name: 'partialTtlMs', min: 1, max: 24 * HOUR_MS }),
    maxQueuedControlFrames: checkInteger(options.maxQueuedControlFrames ?? 1024, { name: 'maxQueuedControlFrames', min: 1, max: 1_048_576 }),
  };
}
