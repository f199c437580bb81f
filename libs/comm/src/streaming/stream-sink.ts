import type { HearthError } from '@hearth/core';

/**
 * Where the bytes of an incoming stream go as they arrive, so a receiver never holds more than a window
 * of chunks. The messenger calls the methods one at a time, in order; it acknowledges a chunk only after
 * `write` has settled, so a slow sink slows the sender down instead of filling memory.
 */
export interface StreamSink {
  /** Stores `chunk` at byte `offset` of the payload. Chunks arrive in order, each exactly once. */
  write(chunk: Uint8Array, offset: number): void | Promise<void>;
  /** Every byte is stored and the whole-payload CRC-32 matched: make the result final. */
  complete(): void | Promise<void>;
  /** The transfer failed, was cancelled or was not resumed in time: discard what was stored. */
  abort(error: HearthError): void | Promise<void>;
}

/** What a stream handler learns about a transfer before it picks a sink. */
export interface IncomingStream {
  /** Random id of the transfer (32 hex digits); stays the same across resumes. */
  readonly transferId: string;
  readonly channel: string;
  readonly topic: string;
  /** Declared payload size, in bytes. Check it against a limit before allocating anything. */
  readonly totalBytes: number;
  /** The sender's small description of the payload (a copy). */
  readonly meta: Uint8Array;
  /** The sender's certificate identity, when the connection has one. */
  readonly peerIdentity: string | undefined;
}

/**
 * Picks the sink for an incoming stream, or throws (a HearthError with a code) to refuse it; the sender
 * then fails with TRANSFER_FAILED carrying that code.
 */
export type StreamHandler = (stream: IncomingStream) => StreamSink | Promise<StreamSink>;
