import { toError } from '@hearth/core';
import type { Logger } from '@hearth/core';
import type { AnalyticsBatch } from '../analytics-batch.js';
import { FifoQueue } from './fifo-queue.js';

/** What an {@link AnalyticsInbox} needs. */
export interface AnalyticsInboxInit {
  /** Most batches waiting for delivery; one more drops the oldest waiting batch. */
  readonly capacity: number;
  /** Hands one batch to the components (fires ANALYTICS_RECEIVED); never runs twice at once. */
  readonly deliver: (batch: AnalyticsBatch) => Promise<void>;
  /** Where drops and failed deliveries are reported. */
  readonly logger: Logger;
}

/**
 * The server side of analytics streaming: batches from every client wait here and are delivered one at a
 * time, in arrival order. When components are slower than the clients stream, at most `capacity` batches
 * wait; each batch beyond that drops the oldest waiting one, counted and logged, so memory stays bounded
 * (the client side, {@link AnalyticsStream}, is bounded the same way).
 */
export class AnalyticsInbox {
  readonly #init: AnalyticsInboxInit;
  readonly #queue = new FifoQueue<AnalyticsBatch>();
  #draining: Promise<void> | undefined;
  #dropped = 0;

  constructor(init: AnalyticsInboxInit) {
    this.#init = init;
  }

  /** Points in batches dropped because the inbox was full. */
  get droppedPoints(): number {
    return this.#dropped;
  }

  /** Queues `batch` for delivery, dropping the oldest waiting batch when the inbox is full. */
  push(batch: AnalyticsBatch): void {
    this.#queue.push(batch);
    if (this.#queue.size > this.#init.capacity) {
      const oldest = this.#queue.shift() as AnalyticsBatch;
      this.#dropped += oldest.points.length;
      this.#init.logger.warn(
        { client: oldest.site, round: oldest.round, points: oldest.points.length, droppedSoFar: this.#dropped },
        'analytics inbox full; dropped the oldest batch',
      );
    }
    this.#draining ??= this.#drain();
  }

  /** Resolves once every queued batch was delivered. */
  async drained(): Promise<void> {
    await this.#draining;
  }

  async #drain(): Promise<void> {
    for (let batch = this.#queue.shift(); batch !== undefined; batch = this.#queue.shift()) {
      try {
        await this.#init.deliver(batch);
      } catch (err) {
        this.#init.logger.error({ err: toError(err), client: batch.site }, 'delivering analytics failed');
      }
    }
    this.#draining = undefined;
  }
}
