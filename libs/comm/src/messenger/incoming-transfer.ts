import type { HearthError } from '@hearth/core';
import { commError, CommErrorCode } from '../errors.js';
import { crc32Combine, crc32OfParts } from '../internal/crc32.js';
import { describeError } from '../internal/describe-error.js';
import { FrameKind } from '../wire/wire-frame.js';
import type { OutgoingFrame } from '../wire/wire-frame.js';
import type { StreamSink } from '../streaming/stream-sink.js';
import type { Link } from './link.js';
import type { MessengerStats } from './messenger-stats.js';

/** The messenger's side of an incoming transfer: how it sends control frames and checks connections. */
export interface IncomingTransferHost {
  /** Sends a small control frame on `link`, if it is still the current connection. */
  readonly sendControl: (link: Link, frame: OutgoingFrame) => void;
  /** Counters updated as chunks are stored. */
  readonly stats: MessengerStats;
  /** Called once when the transfer has settled, with whether it completed. */
  readonly onSettled: (completed: boolean) => void;
}

/** What an {@link IncomingTransfer} is made of (from the STREAM_OPEN frame and the receiver's limits). */
export interface IncomingTransferInit {
  readonly transferId: string;
  readonly topic: string;
  readonly totalBytes: number;
  readonly chunkBytes: number;
  readonly window: number;
  readonly partialTtlMs: number;
  readonly host: IncomingTransferHost;
}

interface QueuedChunk {
  readonly index: number;
  readonly crc: number;
  readonly data: Uint8Array;
}

/**
 * The receiving side of one streamed payload. Checks every chunk (order, window, length, CRC-32), hands
 * chunks to the sink one at a time and acknowledges each once stored, so it never buffers more than the
 * sender's window; verifies the whole-payload CRC at the end. Its state outlives a broken connection for
 * `partialTtlMs`, so the sender can resume from the first chunk not stored.
 */
export class IncomingTransfer {
  readonly transferId: string;
  readonly #init: IncomingTransferInit;
  readonly #chunkCount: number;
  readonly #queue: QueuedChunk[] = [];
  #sink: StreamSink | undefined;
  /** The connection chunks may arrive on: set by an accept, cleared when it breaks. */
  #link: Link | undefined;
  /** Chunks [0, stored) are in the sink. */
  #stored = 0;
  /** Index the next chunk on this link must have. */
  #expected = 0;
  #crc = 0;
  #work: Promise<void> = Promise.resolve();
  #writing = false;
  #state: 'receiving' | 'completing' | 'settled' = 'receiving';
  #completed = false;
  #ttlTimer: NodeJS.Timeout | undefined;

  constructor(init: IncomingTransferInit) {
    this.#init = init;
    this.transferId = init.transferId;
    this.#chunkCount = Math.ceil(init.totalBytes / init.chunkBytes);
  }

  /** The handler chose a sink: accept the transfer on `link` (unless the link broke meanwhile). */
  begin(sink: StreamSink, link: Link | undefined): void {
    this.#sink = sink;
    if (this.#state === 'settled') {
      void this.#abortSink(commError(CommErrorCode.ABORTED, `transfer ${this.transferId} was cancelled before it started`));
      return;
    }
    if (link === undefined) this.detach();
    else this.resume(link);
  }

  /** STREAM_OPEN (first or resumed) on `link`: once pending work settles, answer where to continue. */
  resume(link: Link): void {
    clearTimeout(this.#ttlTimer);
    this.#ttlTimer = undefined;
    void this.#work.then(() => {
      if (this.#state === 'settled') {
        this.#init.host.sendControl(
          link,
          this.#completed
            ? { kind: FrameKind.STREAM_DONE, transferId: this.transferId }
            : { kind: FrameKind.STREAM_ABORT, transferId: this.transferId, code: CommErrorCode.TRANSFER_FAILED, message: 'the transfer failed' },
        );
        return;
      }
      this.#link = link;
      this.#expected = this.#stored;
      this.#init.host.sendControl(link, { kind: FrameKind.STREAM_ACK, transferId: this.transferId, accept: true, nextIndex: this.#stored });
    });
  }

  /** The connection broke: drop chunks not yet stored and keep the rest for `partialTtlMs`. */
  detach(): void {
    if (this.#state === 'settled') return;
    this.#link = undefined;
    this.#queue.length = 0;
    clearTimeout(this.#ttlTimer);
    this.#ttlTimer = setTimeout(() => {
      this.fail(
        commError(CommErrorCode.TIMEOUT, `transfer ${this.transferId} was not resumed within ${this.#init.partialTtlMs} ms`, {
          context: { transferId: this.transferId, topic: this.#init.topic },
        }),
      );
    }, this.#init.partialTtlMs);
    this.#ttlTimer.unref();
  }

  /** A STREAM_CHUNK on `link`. Breaches of order, window or length throw PROTOCOL_VIOLATION. */
  onChunk(link: Link, chunk: QueuedChunk): void {
    if (this.#state !== 'receiving' || link !== this.#link) throw this.#violation(`chunk ${chunk.index} arrived before the transfer was accepted on this connection`);
    if (chunk.index >= this.#chunkCount) throw this.#violation(`chunk ${chunk.index} is beyond the last chunk ${this.#chunkCount - 1}`);
    if (chunk.index !== this.#expected) throw this.#violation(`chunk ${chunk.index} arrived where chunk ${this.#expected} was due`);
    if (chunk.index - this.#stored >= this.#init.window) {
      throw this.#violation(`chunk ${chunk.index} exceeds the window of ${this.#init.window} (${this.#stored} stored)`);
    }
    const length = Math.min(this.#init.chunkBytes, this.#init.totalBytes - chunk.index * this.#init.chunkBytes);
    if (chunk.data.byteLength !== length) throw this.#violation(`chunk ${chunk.index} has ${chunk.data.byteLength} bytes, expected ${length}`);
    if (crc32OfParts([chunk.data]) !== chunk.crc) {
      this.#refuse(
        commError(CommErrorCode.CHECKSUM_MISMATCH, `chunk ${chunk.index} of transfer ${this.transferId} does not match its CRC-32`, {
          context: { transferId: this.transferId, index: chunk.index },
        }),
      );
      return;
    }
    this.#expected += 1;
    this.#queue.push(chunk);
    const buffered = this.#queue.length + (this.#writing ? 1 : 0);
    this.#init.host.stats.peakChunksBuffered = Math.max(this.#init.host.stats.peakChunksBuffered, buffered);
    if (!this.#writing) this.#work = this.#drain(link);
  }

  /** STREAM_END on `link`: every chunk must be stored; then the whole-payload CRC decides. */
  onEnd(link: Link, crc: number): void {
    if (this.#state !== 'receiving' || link !== this.#link) throw this.#violation('STREAM_END arrived before the transfer was accepted on this connection');
    if (this.#writing || this.#queue.length > 0 || this.#stored !== this.#chunkCount) {
      throw this.#violation(`STREAM_END arrived with ${this.#stored} of ${this.#chunkCount} chunks stored`);
    }
    if (crc !== this.#crc) {
      this.#refuse(
        commError(CommErrorCode.CHECKSUM_MISMATCH, `payload of transfer ${this.transferId} does not match its CRC-32 (sender ${crc}, received ${this.#crc})`, {
          context: { transferId: this.transferId },
        }),
      );
      return;
    }
    this.#state = 'completing';
    this.#work = this.#complete(link);
  }

  /** Fails the transfer: the sink discards its data. Does not tell the sender (see {@link refuse}). */
  fail(error: HearthError): void {
    if (this.#state === 'settled') return;
    this.#settle(false);
    this.#work = this.#work.then(() => this.#abortSink(error));
  }

  /** Fails the transfer and tells the sender why, if it can still be reached. */
  #refuse(error: HearthError): void {
    const link = this.#link;
    this.fail(error);
    if (link !== undefined) {
      this.#init.host.sendControl(link, { kind: FrameKind.STREAM_ABORT, transferId: this.transferId, code: error.code, message: error.message });
    }
  }

  /** Waits for the sink to finish what it is doing (for a clean shutdown). */
  async settled(): Promise<void> {
    await this.#work;
  }

  async #drain(link: Link): Promise<void> {
    this.#writing = true;
    try {
      for (let chunk = this.#queue.shift(); chunk !== undefined; chunk = this.#queue.shift()) {
        await this.#sink?.write(chunk.data, chunk.index * this.#init.chunkBytes);
        if (this.#state === 'settled') return;
        this.#stored = chunk.index + 1;
        this.#crc = crc32Combine(this.#crc, chunk.crc, chunk.data.byteLength);
        this.#init.host.stats.chunksStored += 1;
        if (this.#link === link) this.#init.host.sendControl(link, { kind: FrameKind.STREAM_ACK, transferId: this.transferId, accept: false, nextIndex: this.#stored });
      }
    } catch (error) {
      this.#refuse(this.#sinkError(error, 'could not store a chunk'));
    } finally {
      this.#writing = false;
    }
  }

  async #complete(link: Link): Promise<void> {
    try {
      await this.#sink?.complete();
    } catch (error) {
      this.#refuse(this.#sinkError(error, 'could not complete'));
      return;
    }
    this.#completed = true;
    this.#init.host.stats.transfersReceived += 1;
    this.#settle(true);
    this.#init.host.sendControl(link, { kind: FrameKind.STREAM_DONE, transferId: this.transferId });
  }

  #settle(completed: boolean): void {
    this.#state = 'settled';
    this.#queue.length = 0;
    clearTimeout(this.#ttlTimer);
    this.#ttlTimer = undefined;
    this.#init.host.onSettled(completed);
  }

  async #abortSink(error: HearthError): Promise<void> {
    try {
      await this.#sink?.abort(error);
    } catch {
      // The transfer has failed already; a sink that cannot clean up has nothing more to report to.
    }
  }

  #sinkError(error: unknown, what: string): HearthError {
    const { code, message } = describeError(error, CommErrorCode.TRANSFER_FAILED);
    return commError(CommErrorCode.TRANSFER_FAILED, `the sink of transfer ${this.transferId} ${what}: ${message}`, {
      context: { transferId: this.transferId, sinkCode: code },
      cause: error,
    });
  }

  #violation(reason: string): HearthError {
    return commError(CommErrorCode.PROTOCOL_VIOLATION, `transfer ${this.transferId}: ${reason}`, {
      context: { transferId: this.transferId, topic: this.#init.topic },
    });
  }
}
