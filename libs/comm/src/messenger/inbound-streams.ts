import type { HearthError } from '@hearth/core';
import { commError, CommErrorCode } from '../errors.js';
import { describeError } from '../internal/describe-error.js';
import { RecentIds } from '../internal/recent-ids.js';
import type { StreamHandler } from '../streaming/stream-sink.js';
import { FrameKind, TRANSFER_ID_BYTES } from '../wire/wire-frame.js';
import type { OutgoingFrame, WireFrame } from '../wire/wire-frame.js';
import { IncomingTransfer } from './incoming-transfer.js';
import type { Link } from './link.js';
import type { CompiledMessengerOptions } from './messenger-options.js';
import type { MessengerStats } from './messenger-stats.js';

/** Bytes of a STREAM_CHUNK header (version, kind, transfer id, index, crc). */
export const CHUNK_HEADER_BYTES = 2 + TRANSFER_ID_BYTES + 12;
/** Finished transfers remembered, so late or resumed frames about them are answered correctly. */
const RECENT_TRANSFERS = 4096;

type OpenFrame = Extract<WireFrame, { kind: typeof FrameKind.STREAM_OPEN }>;

/** What {@link InboundStreams} needs from its messenger. */
export interface InboundStreamsHost {
  readonly options: CompiledMessengerOptions;
  readonly stats: MessengerStats;
  /** Stream handlers by topic. */
  readonly handlers: ReadonlyMap<string, StreamHandler>;
  /** Sends a control frame on `link` if it is still current (bounded, never awaited). */
  readonly sendControl: (link: Link, frame: OutgoingFrame) => void;
  /** True while `link` is the messenger's current connection. */
  readonly isCurrent: (link: Link) => boolean;
}

/**
 * The receiving half of a messenger's streams: opens transfers within the receiver's limits (refusing the
 * rest with STREAM_ABORT), routes chunks and ends to them, and remembers recently finished ids so a
 * resumed or late frame about one gets the right answer instead of a fresh start.
 */
export class InboundStreams {
  readonly #host: InboundStreamsHost;
  readonly #transfers = new Map<string, IncomingTransfer>();
  readonly #recent = new RecentIds<'completed' | 'failed'>(RECENT_TRANSFERS);

  constructor(host: InboundStreamsHost) {
    this.#host = host;
  }

  /** STREAM_OPEN: resume a known transfer, confirm a finished one, or start a new one. */
  onOpen(frame: OpenFrame, link: Link): void {
    const { transferId } = frame;
    const existing = this.#transfers.get(transferId);
    const recent = this.#recent.get(transferId);
    if (frame.resume && existing !== undefined) {
      existing.resume(link);
      return;
    }
    if (frame.resume && recent === 'completed') {
      this.#host.sendControl(link, { kind: FrameKind.STREAM_DONE, transferId });
      return;
    }
    if (!frame.resume && (existing !== undefined || recent !== undefined)) {
      throw commError(CommErrorCode.PROTOCOL_VIOLATION, `transfer id ${transferId} was opened twice`, { context: { transferId } });
    }
    if (frame.chunkBytes === 0 || frame.window === 0) {
      throw commError(CommErrorCode.PROTOCOL_VIOLATION, `transfer ${transferId} declares ${frame.chunkBytes}-byte chunks and a window of ${frame.window}`, {
        context: { transferId },
      });
    }
    const handler = this.#host.handlers.get(frame.topic);
    const refusal =
      this.#limitRefusal(frame, link) ??
      (handler === undefined ? commError(CommErrorCode.NO_HANDLER, `no stream handler for topic "${frame.topic}"`, { context: { transferId } }) : undefined);
    if (refusal !== undefined || handler === undefined) {
      this.#refuse(link, transferId, refusal);
      return;
    }
    const transfer = new IncomingTransfer({
      transferId,
      topic: frame.topic,
      totalBytes: frame.totalBytes,
      chunkBytes: frame.chunkBytes,
      window: frame.window,
      partialTtlMs: this.#host.options.partialTtlMs,
      host: {
        sendControl: this.#host.sendControl,
        stats: this.#host.stats,
        onSettled: (completed) => {
          this.#transfers.delete(transferId);
          this.#recent.set(transferId, completed ? 'completed' : 'failed');
        },
      },
    });
    this.#transfers.set(transferId, transfer);
    void this.#start({ transfer, handler, frame, link });
  }

  /** STREAM_CHUNK: hand it to its transfer (throws PROTOCOL_VIOLATION on breaches). */
  onChunk(frame: Extract<WireFrame, { kind: typeof FrameKind.STREAM_CHUNK }>, link: Link): void {
    const transfer = this.#transfers.get(frame.transferId);
    if (transfer === undefined) this.#unknown(frame.transferId, link);
    else transfer.onChunk(link, { index: frame.index, crc: frame.crc, data: frame.data });
  }

  /** STREAM_END: let its transfer verify the whole payload. */
  onEnd(frame: Extract<WireFrame, { kind: typeof FrameKind.STREAM_END }>, link: Link): void {
    const transfer = this.#transfers.get(frame.transferId);
    if (transfer === undefined) this.#unknown(frame.transferId, link);
    else transfer.onEnd(link, frame.crc);
  }

  /** STREAM_ABORT from the sender: discard the transfer. */
  onAbort(frame: Extract<WireFrame, { kind: typeof FrameKind.STREAM_ABORT }>): void {
    this.#transfers.get(frame.transferId)?.fail(
      commError(CommErrorCode.TRANSFER_FAILED, `the sender cancelled transfer ${frame.transferId}: ${frame.code}: ${frame.message}`, {
        context: { transferId: frame.transferId, remoteCode: frame.code },
      }),
    );
  }

  /** The connection broke: every transfer keeps what it stored, for `partialTtlMs`. */
  detachAll(): void {
    for (const transfer of this.#transfers.values()) transfer.detach();
  }

  /** Fails every transfer (the messenger closes) and waits until their sinks have cleaned up. */
  async failAll(error: HearthError): Promise<void> {
    const transfers = [...this.#transfers.values()];
    for (const transfer of transfers) transfer.fail(error);
    await Promise.all(transfers.map((transfer) => transfer.settled()));
  }

  async #start(start: { readonly transfer: IncomingTransfer; readonly handler: StreamHandler; readonly frame: OpenFrame; readonly link: Link }): Promise<void> {
    const { transfer, frame, link } = start;
    try {
      const sink = await start.handler({
        transferId: frame.transferId,
        channel: frame.channel,
        topic: frame.topic,
        totalBytes: frame.totalBytes,
        meta: frame.meta.slice(),
        peerIdentity: link.connection.peerIdentity,
      });
      transfer.begin(sink, this.#host.isCurrent(link) ? link : undefined);
    } catch (error) {
      const { code, message } = describeError(error, CommErrorCode.TRANSFER_FAILED);
      transfer.fail(commError(CommErrorCode.TRANSFER_FAILED, message, { context: { transferId: frame.transferId, remoteCode: code }, cause: error }));
      this.#host.sendControl(link, { kind: FrameKind.STREAM_ABORT, transferId: frame.transferId, code, message });
    }
  }

  #limitRefusal(frame: OpenFrame, link: Link): HearthError | undefined {
    const limits = this.#host.options;
    const refuse = (reason: string): HearthError => commError(CommErrorCode.LIMIT_EXCEEDED, reason, { context: { transferId: frame.transferId } });
    if (this.#transfers.size >= limits.maxInboundTransfers) return refuse(`already receiving ${limits.maxInboundTransfers} transfers, the most allowed`);
    if (frame.chunkBytes > limits.maxInboundChunkBytes) return refuse(`chunks of ${frame.chunkBytes} bytes exceed maxInboundChunkBytes ${limits.maxInboundChunkBytes}`);
    if (frame.chunkBytes + CHUNK_HEADER_BYTES > link.connection.maxFrameBytes) {
      return refuse(`chunks of ${frame.chunkBytes} bytes do not fit in frames of ${link.connection.maxFrameBytes} bytes`);
    }
    if (frame.window > limits.maxInboundWindow) return refuse(`a window of ${frame.window} chunks exceeds maxInboundWindow ${limits.maxInboundWindow}`);
    if (frame.meta.byteLength > limits.maxMetaBytes) return refuse(`meta of ${frame.meta.byteLength} bytes exceeds maxMetaBytes ${limits.maxMetaBytes}`);
    return undefined;
  }

  #refuse(link: Link, transferId: string, error: HearthError | undefined): void {
    this.#recent.set(transferId, 'failed');
    const { code, message } = describeError(error, CommErrorCode.TRANSFER_FAILED);
    this.#host.sendControl(link, { kind: FrameKind.STREAM_ABORT, transferId, code, message });
  }

  /** A chunk or end for a transfer this side does not know: tell the sender once, ignore repeats. */
  #unknown(transferId: string, link: Link): void {
    if (this.#recent.get(transferId) !== undefined) return;
    this.#refuse(link, transferId, commError(CommErrorCode.TRANSFER_FAILED, `transfer ${transferId} is unknown here`));
  }
}
