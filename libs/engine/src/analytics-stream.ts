import { toError } from '@hearth/core';
import type { Logger } from '@hearth/core';
import { MAX_ANALYTICS_POINTS_PER_MESSAGE } from './analytics-message.js';
import type { AnalyticsMessage, AnalyticsRecord } from './analytics-message.js';
import { EngineErrorCode, engineError } from './errors.js';

/** How a client batches the points its components stream. */
export interface AnalyticsStreamOptions {
  /** Most points waiting to be sent; when it is full, each new point drops the oldest waiting one. @default 10_000 */
  readonly capacity?: number;
  /** Most points in one message; a full batch is sent at once. @default 500, or `capacity` when that is smaller */
  readonly batchSize?: number;
  /** Longest a point waits for its batch to fill before it is sent anyway, in milliseconds. @default 250 */
  readonly flushIntervalMs?: number;
}

/** What an {@link AnalyticsStream} needs besides its options. */
export interface AnalyticsStreamInit extends AnalyticsStreamOptions {
  /** Hands a message to the transport; the stream never has more than one send under way. */
  readonly send: (message: AnalyticsMessage) => Promise<void>;
  /** Where drops and failed sends are reported. */
  readonly logger: Logger;
}

/** Counters of an {@link AnalyticsStream}. */
export interface AnalyticsStreamStats {
  /** Points the transport accepted. */
  readonly sent: number;
  /** Points dropped because the buffer was full (or the stream closed). */
  readonly dropped: number;
  /** Points in messages the transport refused. */
  readonly failed: number;
  /** Points waiting to be sent. */
  readonly buffered: number;
}

interface CompiledOptions {
  readonly capacity: number;
  readonly batchSize: number;
  readonly flushIntervalMs: number;
}

function compileOptions(options: AnalyticsStreamOptions): CompiledOptions {
  const capacity = options.capacity ?? 10_000;
  const batchSize = options.batchSize ?? Math.min(500, capacity);
  const flushIntervalMs = options.flushIntervalMs ?? 250;
  if (!Number.isSafeInteger(capacity) || capacity < 1) {
    throw engineError(EngineErrorCode.INVALID_OPTIONS, `analytics: capacity must be a whole number >= 1, got ${String(capacity)}`, { capacity });
  }
  const maxBatch = Math.min(capacity, MAX_ANALYTICS_POINTS_PER_MESSAGE);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > maxBatch) {
    throw engineError(EngineErrorCode.INVALID_OPTIONS, `analytics: batchSize must be a whole number from 1 to ${maxBatch}, got ${String(batchSize)}`, {
      batchSize,
    });
  }
  if (typeof flushIntervalMs !== 'number' || !Number.isFinite(flushIntervalMs) || flushIntervalMs < 0) {
    throw engineError(EngineErrorCode.INVALID_OPTIONS, `analytics: flushIntervalMs must be a number >= 0, got ${String(flushIntervalMs)}`, {
      flushIntervalMs,
    });
  }
  return { capacity, batchSize, flushIntervalMs };
}

/**
 * The client side of analytics streaming: a bounded ring of points that is sent in batches, fire-and-forget,
 * so a training loop never waits for the network. A batch goes out when it is full or when its oldest point
 * has waited `flushIntervalMs`; only one send is under way at a time, and while it is, new points wait in
 * the ring. When the ring is full the oldest point is dropped and counted; the next message tells the server
 * how many points it will never see. Memory stays at `capacity` points plus one batch.
 */
export class AnalyticsStream {
  readonly #options: CompiledOptions;
  readonly #send: (message: AnalyticsMessage) => Promise<void>;
  readonly #logger: Logger;
  readonly #ring: Array<AnalyticsRecord | undefined>;
  #head = 0;
  #size = 0;
  #inFlight: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #unreported = 0;
  #sent = 0;
  #dropped = 0;
  #failed = 0;
  #closing: Promise<void> | undefined;
  #closed = false;

  constructor(init: AnalyticsStreamInit) {
    this.#options = compileOptions(init);
    this.#send = init.send;
    this.#logger = init.logger;
    this.#ring = new Array<AnalyticsRecord | undefined>(this.#options.capacity);
  }

  /** Counters so far. */
  get stats(): AnalyticsStreamStats {
    return { sent: this.#sent, dropped: this.#dropped, failed: this.#failed, buffered: this.#size };
  }

  /** Queues a point; returns at once. After {@link close} the point is dropped and counted. */
  push(record: AnalyticsRecord): void {
    if (this.#closed) {
      this.#dropped += 1;
      return;
    }
    const { capacity, batchSize } = this.#options;
    if (this.#size === capacity) {
      this.#head = (this.#head + 1) % capacity;
      this.#size -= 1;
      this.#dropped += 1;
      this.#unreported += 1;
    }
    this.#ring[(this.#head + this.#size) % capacity] = record;
    this.#size += 1;
    if (this.#inFlight !== undefined) return;
    if (this.#size >= batchSize) this.#sendNext();
    else this.#schedule();
  }

  /** Sends every waiting point (and any unreported drops) and resolves when the transport has them all. */
  async flush(): Promise<void> {
    while (this.#inFlight !== undefined || this.#size > 0) {
      if (this.#inFlight === undefined) this.#sendNext();
      await this.#inFlight;
    }
    if (this.#unreported > 0) {
      this.#sendNext();
      await this.#inFlight;
    }
  }

  /** Flushes, then drops (and counts) every later point. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.flush().finally(() => {
      this.#closed = true;
      this.#cancelTimer();
    });
    return this.#closing;
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#sendNext();
    }, this.#options.flushIntervalMs);
    this.#timer.unref();
  }

  #cancelTimer(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #sendNext(): void {
    this.#cancelTimer();
    if (this.#inFlight !== undefined || (this.#size === 0 && this.#unreported === 0)) return;
    const message: AnalyticsMessage = { points: this.#take(this.#options.batchSize), dropped: this.#unreported };
    this.#unreported = 0;
    if (message.dropped > 0) {
      this.#logger.warn({ dropped: message.dropped, capacity: this.#options.capacity }, 'analytics points were dropped (buffer full or a send failed)');
    }
    this.#inFlight = this.#attempt(message).finally(() => {
      this.#inFlight = undefined;
      if (this.#size >= this.#options.batchSize) this.#sendNext();
      else if (this.#size > 0) this.#schedule();
    });
  }

  async #attempt(message: AnalyticsMessage): Promise<void> {
    try {
      await this.#send(message);
      this.#sent += message.points.length;
    } catch (err) {
      this.#failed += message.points.length;
      this.#unreported += message.dropped + message.points.length;
      this.#logger.warn({ err: toError(err), points: message.points.length }, 'could not send analytics; the points are lost');
    }
  }

  #take(limit: number): AnalyticsRecord[] {
    const { capacity } = this.#options;
    const count = Math.min(limit, this.#size);
    const out = new Array<AnalyticsRecord>(count);
    for (let i = 0; i < count; i++) {
      const slot = (this.#head + i) % capacity;
      out[i] = this.#ring[slot] as AnalyticsRecord;
      this.#ring[slot] = undefined;
    }
    this.#head = (this.#head + count) % capacity;
    this.#size -= count;
    return out;
  }
}
