import { status as GrpcStatus } from '@grpc/grpc-js';
import type { HearthError } from '@hearth/core';
import { commError, CommErrorCode, isCommErrorCode } from '../errors.js';
import type { CommErrorCodeValue } from '../errors.js';
import { connectFailure } from '../internal/connect-failure.js';

/** A gRPC status as the call reports it. */
export interface GrpcStatusReport {
  readonly code: number;
  readonly details: string;
}

/** Where the status arrived, for {@link grpcStatusError}. */
export interface GrpcStatusContext {
  /** `host:port` of the peer. */
  readonly address: string;
  /** `connect`: before the stream was established (TLS and reachability failures); `stream`: afterwards. */
  readonly phase: 'connect' | 'stream';
  /** The original error object, kept as `cause`. */
  readonly cause?: unknown;
}

const STATUS_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(GrpcStatus).map(([name, value]) => [value as number, name]));

const COMM_CODE_PREFIX = /^(HEARTH_ERR_COMM_[A-Z_]+): ([\s\S]*)$/;

/** What each status means once the stream was up, when the details do not say better. */
function streamMeaning(report: GrpcStatusReport): { code: CommErrorCodeValue; meaning: string } {
  switch (report.code) {
    case GrpcStatus.CANCELLED:
      return { code: CommErrorCode.CONNECTION_CLOSED, meaning: 'the peer cancelled the stream' };
    case GrpcStatus.UNAVAILABLE:
      return /keepalive/i.test(report.details)
        ? { code: CommErrorCode.HEARTBEAT_TIMEOUT, meaning: 'the peer stopped answering keepalive pings' }
        : { code: CommErrorCode.CONNECTION_CLOSED, meaning: 'the connection was lost' };
    case GrpcStatus.RESOURCE_EXHAUSTED:
      return /larger than max/i.test(report.details)
        ? { code: CommErrorCode.FRAME_TOO_LARGE, meaning: 'a frame exceeded the maximum message size' }
        : { code: CommErrorCode.TRANSPORT, meaning: 'the peer ran out of a resource' };
    case GrpcStatus.INTERNAL:
      return /deserializ|malformed/i.test(report.details)
        ? { code: CommErrorCode.PROTOCOL_VIOLATION, meaning: 'a message was not a valid frame' }
        : { code: CommErrorCode.TRANSPORT, meaning: 'the transport failed' };
    case GrpcStatus.UNAUTHENTICATED:
    case GrpcStatus.PERMISSION_DENIED:
      return { code: CommErrorCode.AUTH_FAILED, meaning: 'the peer refused this identity' };
    case GrpcStatus.DEADLINE_EXCEEDED:
      return { code: CommErrorCode.TIMEOUT, meaning: 'the call deadline passed' };
    case GrpcStatus.UNIMPLEMENTED:
      return { code: CommErrorCode.CONNECT_FAILED, meaning: 'the peer does not serve hearth.comm.v1.FrameStream' };
    default:
      return { code: CommErrorCode.TRANSPORT, meaning: 'the stream failed' };
  }
}

/**
 * Turns a non-OK gRPC status into a coded error with a message an operator can act on. Before the
 * stream is up, TLS refusals (which gRPC reports as UNAVAILABLE, e.g. "certificate required") become
 * AUTH_FAILED; afterwards statuses map by meaning, and a status whose details carry a Hearth code (a
 * Hearth peer closing with an error) keeps that code.
 */
export function grpcStatusError(report: GrpcStatusReport, context: GrpcStatusContext): HearthError {
  const name = STATUS_NAMES.get(report.code) ?? `code ${report.code}`;
  const carried = COMM_CODE_PREFIX.exec(report.details);
  if (carried?.[1] !== undefined && isCommErrorCode(carried[1])) {
    return commError(carried[1], `grpc: peer ${context.address} closed the connection: ${carried[2] ?? ''}`, {
      context: { driver: 'grpc', address: context.address, grpcStatus: name },
      cause: context.cause,
    });
  }
  if (context.phase === 'connect' && report.code !== GrpcStatus.UNIMPLEMENTED) {
    return connectFailure({ driver: 'grpc', address: context.address, cause: context.cause ?? `gRPC ${name}: ${report.details}` });
  }
  const { code, meaning } = streamMeaning(report);
  return commError(code, `grpc: connection to ${context.address} ended: ${meaning} (gRPC ${name}: ${report.details})`, {
    context: { driver: 'grpc', address: context.address, grpcStatus: name },
    cause: context.cause,
  });
}

/** The gRPC status a server sends when it closes a connection because of `error`, with the code in the details. */
export function statusForError(error: HearthError): GrpcStatusReport {
  const code =
    error.code === CommErrorCode.PROTOCOL_VIOLATION
      ? GrpcStatus.INVALID_ARGUMENT
      : error.code === CommErrorCode.FRAME_TOO_LARGE || error.code === CommErrorCode.PEER_NOT_READING
        ? GrpcStatus.RESOURCE_EXHAUSTED
        : error.code === CommErrorCode.HEARTBEAT_TIMEOUT
          ? GrpcStatus.UNAVAILABLE
          : GrpcStatus.ABORTED;
  return { code, details: `${error.code}: ${error.message}` };
}
