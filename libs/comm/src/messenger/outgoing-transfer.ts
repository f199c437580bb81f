import type { HearthError } from '@hearth/core';
import type { Connection } from '../driver.js';
import { commError, CommErrorCode } from '../errors.js';
import { crc32Combine, crc32OfParts } from '../internal/crc32.js';
import { Wakeup } from '../internal/wakeup.js';
import { encodeFrame } from '../wire/encode-frame.js';
import { FrameKind } from '../wire/wire-frame.js';
import type { OutgoingFrame } from '../wire/wire-frame.js';
import type { ChunkPlan } from './chunk-plan.js';
import type { MessengerStats } from './messenger-stats.js';
import type { StreamReport } from './messenger-types.js';

/** What an {@link OutgoingTransfer} is made of. */
export interface OutgoingTransferInit {
  readonly transferId: string;
  readonly channel: string;
  readonly topic: string;
  readonly meta: Uint8Array;
  readonly plan: ChunkPlan;
  readonly window: number;
  readonly resumeTimeoutMs: number;
  /** The messenger's counters, updated as chunks go out. */
  readonly stats: MessengerStats;
  /** Called once when the transfer has settled, whichever way. */
  readonly onSettled: () => void;
}

/**
 * Phase of the transfer on the current connection: `open` (STREAM_OPEN sent, waiting for the accept),
 * `send` (chunks flowing), `end` (STREAM_END sent, waiting for STREAM_DONE).
 */
type Phase = 'open' | 'send' | 'end';

/**
 * The sending side of one streamed payload. Sends chunks (views over the caller's parts) while fewer than
 * `window` are unacknowledged, folds the acknowledged chunks' CRCs into the whole-payload CRC, and on a
 * new connection re-opens the transfer and continues from the chunk the receiver says it needs.
 */
export class OutgoingTransfer {
  readonly result: Promise<StreamReport>;
  readonly #init: OutgoingTransferInit;
  readonly #wakeup = new Wakeup();
  /** CRC and length of every chunk sent and not yet acknowledged, by index. */
  readonly #unacked = new Map<number, { readonly crc: number; readonly length: number }>();
  #connection: Connection | undefined;
  #phase: Phase = 'open';
  #openSent = false;
  #everOpened = false;
  #acked = 0;
  #next = 0;
  #sentHighWater = 0;
  #ackedCrc = 0;
  #chunksSent = 0;
  #chunksResent = 0;
  #resumes = 0;
  #peakInFlight = 0;
  #settled = false;
  #pumping = false;
  #resumeTimer: NodeJS.Timeout | undefined;
  #settle: { resolve: (report: StreamReport) => void; reject: (error: HearthError) => void } | undefined;

  constructor(init: OutgoingTransferInit) {
    this.#init = init;
    this.result = new Promise<StreamReport>((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    this.result.catch(() => undefined);
  }

  get transferId(): string {
    return this.#init.transferId;
  }

  /** Starts the transfer, or resumes it, on `connection`. */
  attach(connection: Connection): void {
    if (this.#settled) return;
    clearTimeout(this.#resumeTimer);
    this.#resumeTimer = undefined;
    if (this.#everOpened) this.#resumes += 1;
    this.#connection = connection;
    this.#phase = 'open';
    this.#openSent = false;
    this.#wakeup.wake();
    if (!this.#pumping) {
      this.#pumping = true;
      void this.#pump();
    }
  }

  /** The connection is gone: wait for another one, at most `resumeTimeoutMs`. */
  detach(): void {
    if (this.#settled || this.#connection === undefined) return;
    this.#connection = undefined;
    this.#wakeup.wake();
    this.#resumeTimer = setTimeout(() => {
      this.#fail(
        commError(CommErrorCode.TIMEOUT, `transfer ${this.transferId} lost its connection and none came back within ${this.#init.resumeTimeoutMs} ms`, {
          context: this.#context(),
        }),
      );
    }, this.#init.resumeTimeoutMs);
    this.#resumeTimer.unref();
  }

  /** A STREAM_ACK arrived; throws PROTOCOL_VIOLATION when it acknowledges chunks never sent. */
  onAck(accept: boolean, nextIndex: number): void {
    if (this.#settled) return;
    if (accept) {
      if (this.#phase === 'open' && this.#openSent) this.#accepted(nextIndex);
      return;
    }
    if (this.#phase === 'open') return;
    if (nextIndex > this.#next) throw this.#violation(`acknowledged chunks up to ${nextIndex}, but only ${this.#next} were sent`);
    if (nextIndex <= this.#acked) return;
    this.#advance(nextIndex);
    this.#wakeup.wake();
  }

  /** STREAM_DONE arrived: the receiver verified and stored the payload. */
  onDone(): void {
    if (this.#settled) return;
    const resumedAfterCompletion = this.#phase === 'open' && this.#openSent && this.#everOpened;
    if (this.#phase !== 'end' && !resumedAfterCompletion) throw this.#violation('the receiver confirmed a transfer that was not finished');
    this.#init.stats.transfersSent += 1;
    this.#finish();
    this.#settle?.resolve({
      transferId: this.transferId,
      totalBytes: this.#init.plan.totalBytes,
      chunks: this.#init.plan.chunkCount,
      chunksSent: this.#chunksSent,
      chunksResent: this.#chunksResent,
      resumes: this.#resumes,
      peakChunksInFlight: this.#peakInFlight,
    });
  }

  /** STREAM_ABORT arrived: the receiver refused or gave up on the transfer. */
  onAbort(code: string, message: string): void {
    this.#fail(
      commError(CommErrorCode.TRANSFER_FAILED, `the receiver cancelled transfer ${this.transferId} on topic "${this.#init.topic}": ${code}: ${message}`, {
        context: { ...this.#context(), remoteCode: code },
      }),
    );
  }

  /** Cancels the transfer from this side and tells the receiver, if it can still be reached. */
  cancel(error: HearthError): void {
    if (this.#settled) return;
    const connection = this.#connection;
    this.#fail(error);
    if (connection !== undefined) {
      this.#send(connection, { kind: FrameKind.STREAM_ABORT, transferId: this.transferId, code: error.code, message: error.message }).catch(() => undefined);
    }
  }

  #accepted(nextIndex: number): void {
    const { chunkCount } = this.#init.plan;
    if (nextIndex > this.#sentHighWater || nextIndex > chunkCount) {
      throw this.#violation(`the receiver asked to resume at chunk ${nextIndex}, but only ${this.#sentHighWater} were ever sent`);
    }
    if (nextIndex < this.#acked) {
      if (nextIndex !== 0) throw this.#violation(`the receiver asked to resume at chunk ${nextIndex}, before the ${this.#acked} it had acknowledged`);
      this.#acked = 0;
      this.#ackedCrc = 0;
    }
    this.#advance(nextIndex);
    this.#unacked.clear();
    this.#next = nextIndex;
    this.#everOpened = true;
    this.#phase = 'send';
    this.#wakeup.wake();
  }

  /** Folds chunks [acked, nextIndex) into the acknowledged CRC. */
  #advance(nextIndex: number): void {
    for (let index = this.#acked; index < nextIndex; index += 1) {
      const chunk = this.#unacked.get(index);
      if (chunk === undefined) throw this.#violation(`chunk ${index} was acknowledged but is not in flight`);
      this.#ackedCrc = crc32Combine(this.#ackedCrc, chunk.crc, chunk.length);
      this.#unacked.delete(index);
    }
    this.#acked = nextIndex;
  }

  async #pump(): Promise<void> {
    while (!this.#settled) {
      const connection = this.#connection;
      const step = connection === undefined ? undefined : this.#nextStep(connection);
      if (step === undefined) {
        await this.#wakeup.wait();
        continue;
      }
      try {
        await step;
      } catch (error) {
        if ((error as HearthError).code === CommErrorCode.FRAME_TOO_LARGE) this.#fail(error as HearthError);
        else if (this.#connection === connection) await this.#wakeup.wait();
      }
    }
  }

  /** The next frame to send on `connection`, or undefined when the transfer must wait for the peer. */
  #nextStep(connection: Connection): Promise<void> | undefined {
    const { plan } = this.#init;
    if (this.#phase === 'open') {
      if (this.#openSent) return undefined;
      this.#openSent = true;
      return this.#send(connection, {
        kind: FrameKind.STREAM_OPEN,
        transferId: this.transferId,
        resume: this.#everOpened,
        totalBytes: plan.totalBytes,
        chunkBytes: plan.chunkBytes,
        window: this.#init.window,
        channel: this.#init.channel,
        topic: this.#init.topic,
        meta: [this.#init.meta],
      });
    }
    if (this.#phase !== 'send') return undefined;
    if (this.#acked === plan.chunkCount) {
      this.#phase = 'end';
      return this.#send(connection, { kind: FrameKind.STREAM_END, transferId: this.transferId, crc: this.#ackedCrc });
    }
    if (this.#next >= plan.chunkCount || this.#next - this.#acked >= this.#init.window) return undefined;
    return this.#sendChunk(connection, this.#next);
  }

  #sendChunk(connection: Connection, index: number): Promise<void> {
    const { plan, stats } = this.#init;
    const data = plan.slices(index);
    const crc = crc32OfParts(data);
    this.#unacked.set(index, { crc, length: plan.lengthOf(index) });
    this.#next = index + 1;
    if (index < this.#sentHighWater) {
      this.#chunksResent += 1;
      stats.chunksResent += 1;
    } else {
      this.#sentHighWater = index + 1;
    }
    this.#chunksSent += 1;
    stats.chunksSent += 1;
    this.#peakInFlight = Math.max(this.#peakInFlight, this.#next - this.#acked);
    stats.peakChunksInFlight = Math.max(stats.peakChunksInFlight, this.#peakInFlight);
    return this.#send(connection, { kind: FrameKind.STREAM_CHUNK, transferId: this.transferId, index, crc, data });
  }

  #send(connection: Connection, frame: OutgoingFrame): Promise<void> {
    this.#init.stats.framesSent += 1;
    return connection.send(encodeFrame(frame));
  }

  #fail(error: HearthError): void {
    if (this.#settled) return;
    this.#finish();
    this.#settle?.reject(error);
  }

  #finish(): void {
    this.#settled = true;
    clearTimeout(this.#resumeTimer);
    this.#resumeTimer = undefined;
    this.#connection = undefined;
    this.#unacked.clear();
    this.#wakeup.wake();
    this.#init.onSettled();
  }

  #violation(reason: string): HearthError {
    return commError(CommErrorCode.PROTOCOL_VIOLATION, `transfer ${this.transferId}: ${reason}`, { context: this.#context() });
  }

  #context(): Record<string, unknown> {
    return { transferId: this.transferId, topic: this.#init.topic, channel: this.#init.channel };
  }
}
