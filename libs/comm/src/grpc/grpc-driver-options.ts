import type { ChannelOptions } from '@grpc/grpc-js';
import { silentLogger } from '@hearth/core';
import type { Logger } from '@hearth/core';
import { checkInteger } from '../internal/check-integer.js';

/** Settings of the gRPC driver that are not per listener or per connection. */
export interface GrpcDriverOptions {
  /**
   * Interval of HTTP/2 keepalive pings, both ways. Keep it at 30 s or more when a peer may be a C-core
   * gRPC (it answers faster pings with GOAWAY "too_many_pings"). @default 30000
   */
  readonly keepaliveTimeMs?: number;
  /** How long a keepalive ping may go unanswered before the connection is dropped. @default 10000 */
  readonly keepaliveTimeoutMs?: number;
  /** How long an orderly close waits for the peer before the stream is cancelled. @default 2000 */
  readonly closeTimeoutMs?: number;
  /**
   * HTTP/2 flow-control window per stream and connection, in bytes, on both sides (what a listener
   * accepts from each client and what a client accepts from the server): the data in flight before the
   * receiver must acknowledge. Larger windows carry big frames faster over long links and keep a sender
   * going while the receiver's event loop is busy. @default 8388608 (8 MiB)
   */
  readonly flowControlWindowBytes?: number;
  /** Where listeners report the calls they refuse. @default silentLogger() */
  readonly logger?: Logger;
}

/** {@link GrpcDriverOptions} with defaults filled in and checked. */
export interface CompiledGrpcDriverOptions {
  readonly keepaliveTimeMs: number;
  readonly keepaliveTimeoutMs: number;
  readonly closeTimeoutMs: number;
  readonly flowControlWindowBytes: number;
  readonly logger: Logger;
}

/** Bytes a Frame message adds around its data (tag and a length varint of up to five bytes). */
const FRAME_MESSAGE_OVERHEAD = 6;

/** Fills in the defaults of {@link GrpcDriverOptions} and checks them. */
export function compileGrpcDriverOptions(options: GrpcDriverOptions = {}): CompiledGrpcDriverOptions {
  return {
    keepaliveTimeMs: checkInteger(options.keepaliveTimeMs ?? 30_000, { name: 'grpc: keepaliveTimeMs', min: 1000, max: 86_400_000 }),
    keepaliveTimeoutMs: checkInteger(options.keepaliveTimeoutMs ?? 10_000, { name: 'grpc: keepaliveTimeoutMs', min: 100, max: 3_600_000 }),
    closeTimeoutMs: checkInteger(options.closeTimeoutMs ?? 2000, { name: 'grpc: closeTimeoutMs', min: 1, max: 600_000 }),
    flowControlWindowBytes: checkInteger(options.flowControlWindowBytes ?? 8 * 1024 * 1024, {
      name: 'grpc: flowControlWindowBytes',
      min: 65_535,
      max: 2 ** 31 - 1,
    }),
    logger: options.logger ?? silentLogger(),
  };
}

/**
 * Channel arguments shared by server and client: message limits just above the frame limit (so an
 * oversized frame fails as RESOURCE_EXHAUSTED instead of being buffered), keepalive both ways, no retries
 * (a retried stream would replay frames) and a private subchannel per client (one HTTP/2 session per
 * connection, so closing one connection never touches another).
 */
export function grpcChannelOptions(options: CompiledGrpcDriverOptions, maxFrameBytes: number): ChannelOptions {
  return {
    'grpc.max_receive_message_length': maxFrameBytes + FRAME_MESSAGE_OVERHEAD,
    'grpc.max_send_message_length': maxFrameBytes + FRAME_MESSAGE_OVERHEAD,
    'grpc.keepalive_time_ms': options.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': options.keepaliveTimeoutMs,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.enable_retries': 0,
    'grpc.use_local_subchannel_pool': 1,
    'grpc-node.flow_control_window': options.flowControlWindowBytes,
  };
}
