import type { Worker } from 'node:worker_threads';
import type { HearthError, Logger } from '@hearth/core';
import { OrtErrorCode, ortError } from '../errors.js';

/** A worker's reply: its value, or the message of the error it raised while handling the request. */
export type ChannelReply<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** The request every worker of this lib understands as "release everything and exit". */
export const CLOSE_REQUEST = { kind: 'close' } as const;

interface Pending {
  resolve(reply: ChannelReply<unknown>): void;
  reject(err: HearthError): void;
}

/** Options for {@link WorkerChannel}. */
export interface WorkerChannelOptions {
  /** The worker to talk to; the channel owns it from now on. */
  readonly worker: Worker;
  /** A flag shared with the worker (one Int32 over a SharedArrayBuffer); set to 1 when the channel closes. */
  readonly closing: Int32Array;
  /** Names the worker in errors and logs. */
  readonly label: string;
  /** Where crashes are logged. */
  readonly logger: Logger;
}

/**
 * Request/reply over a worker thread: correlates replies with requests by id, turns a crash of the worker
 * into `HEARTH_ERR_ORT_WORKER_CRASHED` on every pending and later request (never a hang), and closes the
 * worker gracefully. It never terminates a worker from outside: a thread stopped while inside
 * onnxruntime's native code aborts the whole process. An idle channel does not keep the process alive;
 * one with requests in flight, or closing, does.
 */
export class WorkerChannel {
  readonly #worker: Worker;
  readonly #closingFlag: Int32Array;
  readonly #label: string;
  readonly #logger: Logger;
  readonly #pending = new Map<number, Pending>();
  readonly #exited: Promise<void>;
  #hasExited = false;
  #nextId = 1;
  #failure: HearthError | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: WorkerChannelOptions) {
    this.#worker = options.worker;
    this.#closingFlag = options.closing;
    this.#label = options.label;
    this.#logger = options.logger;
    this.#worker.unref();
    this.#worker.on('message', (message: { id: number } & ChannelReply<unknown>) => this.#settle(message));
    this.#worker.on('error', (err) => this.#crash(`${this.#label} worker failed: ${err.message}`, err));
    this.#worker.on('messageerror', (err) => {
      this.#crash(`${this.#label} worker sent a message that cannot be read: ${err.message}`, err);
      void this.close();
    });
    this.#exited = new Promise((resolve) => {
      this.#worker.once('exit', (exitCode) => {
        this.#hasExited = true;
        this.#crash(`${this.#label} worker exited unexpectedly with code ${exitCode}`, undefined);
        resolve();
      });
    });
  }

  /** Why the channel no longer takes requests (closed or crashed), or undefined while it does. */
  get failure(): HearthError | undefined {
    return this.#failure;
  }

  /** Sends a request and resolves with the worker's reply; rejects with a coded error if the worker dies or the channel closes first. */
  request<T>(request: unknown, transfer: readonly ArrayBuffer[] = []): Promise<ChannelReply<T>> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise<ChannelReply<T>>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as Pending['resolve'], reject });
      if (this.#pending.size === 1) this.#worker.ref();
      try {
        this.#worker.postMessage({ id, request }, [...transfer]);
      } catch (err) {
        this.#forget(id);
        reject(ortError(OrtErrorCode.RUN_FAILED, `cannot send a request to the ${this.#label} worker: ${(err as Error).message}`, { cause: err }));
      }
    });
  }

  /**
   * Fails pending requests with `HEARTH_ERR_ORT_RUNNER_CLOSED`, tells the worker to skip queued work,
   * release its resources and exit, and resolves once it has. A request the worker is already executing
   * finishes first (ORT cannot interrupt a run). Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#fail(ortError(OrtErrorCode.RUNNER_CLOSED, `the ${this.#label} runner is closed`));
      if (this.#hasExited) return;
      Atomics.store(this.#closingFlag, 0, 1);
      this.#worker.ref();
      this.#worker.postMessage({ id: 0, request: CLOSE_REQUEST });
      await this.#exited;
    })();
    return this.#closing;
  }

  #settle(message: { id: number } & ChannelReply<unknown>): void {
    const pending = this.#pending.get(message.id);
    if (pending === undefined) return;
    this.#forget(message.id);
    pending.resolve(message.ok ? { ok: true, value: message.value } : { ok: false, error: message.error });
  }

  #crash(message: string, cause: unknown): void {
    if (this.#failure !== undefined) return;
    const err = ortError(OrtErrorCode.WORKER_CRASHED, message, { context: { worker: this.#label }, cause });
    this.#logger.error({ err, worker: this.#label, pending: this.#pending.size }, 'session worker crashed');
    this.#fail(err);
  }

  #fail(err: HearthError): void {
    this.#failure ??= err;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    if (this.#closing === undefined) this.#worker.unref();
    for (const p of pending) p.reject(this.#failure);
  }

  #forget(id: number): void {
    this.#pending.delete(id);
    if (this.#pending.size === 0 && this.#closing === undefined) this.#worker.unref();
  }
}
