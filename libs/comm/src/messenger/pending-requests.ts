import type { HearthError } from '@hearth/core';
import { commError, CommErrorCode } from '../errors.js';

interface Pending {
  readonly topic: string;
  readonly resolve: (body: Uint8Array) => void;
  readonly reject: (error: HearthError) => void;
  readonly timer: NodeJS.Timeout;
  readonly release: () => void;
}

/** What a new request waits under: its topic (for messages), deadline and the caller's signal. */
export interface PendingRequestOptions {
  readonly topic: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/**
 * Requests waiting for their reply, by correlation id. Each has a timer (TIMEOUT when it fires) and
 * follows the caller's AbortSignal; every exit clears both, so nothing outlives the request.
 */
export class PendingRequests {
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;

  /** Requests still waiting. */
  get size(): number {
    return this.#pending.size;
  }

  /** Registers a request; returns its id and the promise of its reply body. */
  create(options: PendingRequestOptions): { readonly id: number; readonly reply: Promise<Uint8Array> } {
    const id = this.#nextId;
    this.#nextId += 1;
    const reply = new Promise<Uint8Array>((resolve, reject) => {
      const onAbort = (): void => {
        this.reject(id, commError(CommErrorCode.ABORTED, `request on topic "${options.topic}" was aborted by the caller`, { context: { topic: options.topic } }));
      };
      const timer = setTimeout(() => {
        this.reject(
          id,
          commError(CommErrorCode.TIMEOUT, `no reply to the request on topic "${options.topic}" within ${options.timeoutMs} ms`, {
            context: { topic: options.topic, timeoutMs: options.timeoutMs },
          }),
        );
      }, options.timeoutMs);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.set(id, {
        topic: options.topic,
        resolve,
        reject,
        timer,
        release: () => options.signal?.removeEventListener('abort', onAbort),
      });
    });
    return { id, reply };
  }

  /** Delivers a reply; false when the id is unknown (late, after a timeout, or never sent). */
  resolve(id: number, body: Uint8Array): boolean {
    const pending = this.#take(id);
    pending?.resolve(body);
    return pending !== undefined;
  }

  /** Fails one request; false when the id is unknown. */
  reject(id: number, error: HearthError): boolean {
    const pending = this.#take(id);
    pending?.reject(error);
    return pending !== undefined;
  }

  /** Fails every waiting request (the connection went away, or the messenger closed). */
  rejectAll(error: (topic: string) => HearthError): void {
    for (const id of [...this.#pending.keys()]) {
      const pending = this.#take(id);
      pending?.reject(error(pending.topic));
    }
  }

  #take(id: number): Pending | undefined {
    const pending = this.#pending.get(id);
    if (pending === undefined) return undefined;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    pending.release();
    return pending;
  }
}
