import { join } from 'node:path';
import { EventType, ReturnCode, toError } from '@hearth/core';
import type { Logger, Shareable } from '@hearth/core';
import { decodeAnalyticsMessage, encodeAnalyticsMessage } from '../analytics-message.js';
import type { ClientApp } from '../client-app.js';
import { ClientEngine } from '../client-engine.js';
import type { EngineEventListener } from '../engine-event.js';
import { EngineErrorCode, engineError } from '../errors.js';
import type { ShareableCodec } from '../shareable-codec.js';
import { isStatefulExecutor } from '../stateful-executor.js';
import type { ClientTransport, DeferredTaskMessage, ResultMessage, ServerTransport, ServerTransportHandler, TaskMessage } from '../transport.js';
import { errorResult } from './error-result.js';
import { FifoQueue } from './fifo-queue.js';

/** What the pool needs to build and run client engines. */
export interface ClientPoolOptions {
  readonly sites: readonly string[];
  readonly threads: number;
  readonly codec: ShareableCodec;
  readonly clientAppFactory: (site: string) => ClientApp | Promise<ClientApp>;
  readonly jobId: string;
  readonly workspaceDir: string;
  readonly logger: Logger;
  /** Receives every event the client engines fire. */
  readonly listener: EngineEventListener;
}

/** Counters the simulator reports. */
export interface ClientPoolStats {
  /** Tasks handed to a client engine. */
  readonly tasksExecuted: number;
  /** Times a client app was created (swap-ins). */
  readonly activations: number;
  /** Most client engines alive at once. */
  readonly peakActiveClients: number;
}

interface QueuedTask {
  readonly site: string;
  readonly message: DeferredTaskMessage;
  cancelled: boolean;
}

interface Activation {
  readonly pending: QueuedTask[];
  engine: ClientEngine | undefined;
}

interface SwappedIn {
  readonly engine: ClientEngine;
  readonly app: ClientApp;
}

/**
 * The simulator's transport and scheduler in one: a ServerTransport whose "clients" are created on demand.
 * A pushed task waits in one FIFO queue; when fewer than `threads` clients are active, the oldest task's
 * client is swapped in (app from the factory, saved executor state loaded, START_RUN and CLIENT_SWAPPED_IN),
 * runs its tasks, and is swapped out (state saved, CLIENT_SWAPPED_OUT, END_RUN, app disposed). Task data is
 * made (`pushDeferredTask`: the server's task-data filters) and serialized through the codec only when its
 * client runs it, so queued tasks cost no copies. Every operation is O(1) per task; nothing scans the clients.
 */
export class ClientPool implements ServerTransport {
  readonly #options: ClientPoolOptions;
  readonly #sites: ReadonlySet<string>;
  readonly #queue = new FifoQueue<QueuedTask>();
  readonly #queued = new Map<string, QueuedTask>();
  readonly #active = new Map<string, Activation>();
  readonly #states = new Map<string, unknown[]>();
  readonly #idleWaiters: Array<() => void> = [];
  #handler: ServerTransportHandler | undefined;
  #closed = false;
  #tasksExecuted = 0;
  #activations = 0;
  #peak = 0;

  constructor(options: ClientPoolOptions) {
    this.#options = options;
    this.#sites = new Set(options.sites);
  }

  /** Counters so far. */
  get stats(): ClientPoolStats {
    return { tasksExecuted: this.#tasksExecuted, activations: this.#activations, peakActiveClients: this.#peak };
  }

  bind(handler: ServerTransportHandler): void {
    this.#handler = handler;
  }

  /** Reports every site as joined; simulated clients are always reachable. */
  joinAll(): void {
    for (const site of this.#options.sites) this.#handler?.clientJoined(site);
  }

  pushTask(client: string, message: TaskMessage): Promise<void> {
    const { taskName, taskId, data } = message;
    return this.pushDeferredTask(client, { taskName, taskId, data: () => Promise.resolve(data) });
  }

  pushDeferredTask(client: string, message: DeferredTaskMessage): Promise<void> {
    if (this.#closed) return Promise.reject(engineError(EngineErrorCode.TRANSPORT_CLOSED, 'simulation is over'));
    if (!this.#sites.has(client)) {
      return Promise.reject(engineError(EngineErrorCode.UNKNOWN_CLIENT, `no simulated client named ${client}`, { client }));
    }
    const entry: QueuedTask = { site: client, message, cancelled: false };
    this.#queued.set(message.taskId, entry);
    const activation = this.#active.get(client);
    if (activation === undefined) this.#queue.push(entry);
    else activation.pending.push(entry);
    this.#pump();
    return Promise.resolve();
  }

  revokeTask(client: string, taskId: string): Promise<void> {
    const entry = this.#queued.get(taskId);
    if (entry !== undefined) {
      entry.cancelled = true;
      this.#queued.delete(taskId);
    } else {
      this.#active.get(client)?.engine?.revokeTask(taskId);
    }
    return Promise.resolve();
  }

  abortJob(): Promise<void> {
    this.#dropQueued();
    for (const activation of this.#active.values()) activation.engine?.abortJob();
    return Promise.resolve();
  }

  /** Drops queued tasks, aborts running ones and resolves once every client is swapped out. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.abortJob();
    if (this.#active.size === 0) return;
    await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  #dropQueued(): void {
    for (const entry of this.#queued.values()) entry.cancelled = true;
    this.#queued.clear();
    this.#queue.clear();
  }

  #pump(): void {
    while (this.#active.size < this.#options.threads) {
      const entry = this.#queue.shift();
      if (entry === undefined) return;
      if (entry.cancelled) continue;
      const activation = this.#active.get(entry.site);
      if (activation === undefined) void this.#activate(entry);
      else activation.pending.push(entry);
    }
  }

  async #activate(first: QueuedTask): Promise<void> {
    const { site } = first;
    const activation: Activation = { pending: [first], engine: undefined };
    this.#active.set(site, activation);
    this.#peak = Math.max(this.#peak, this.#active.size);
    try {
      const swapped = await this.#swapIn(site);
      const { engine } = swapped;
      activation.engine = engine;
      for (let entry = activation.pending.shift(); entry !== undefined; entry = activation.pending.shift()) {
        if (!entry.cancelled) await this.#execute(engine, entry);
      }
      await this.#swapOut(site, swapped);
    } catch (err) {
      const error = toError(err);
      this.#options.logger.error({ err: error, site }, 'could not swap in the client');
      for (const entry of activation.pending.splice(0)) {
        if (entry.cancelled) continue;
        this.#queued.delete(entry.message.taskId);
        const { taskName, taskId } = entry.message;
        this.#deliver(site, { taskName, taskId, result: errorResult({ rc: ReturnCode.EXECUTION_EXCEPTION, taskName, taskId, error }) });
      }
    } finally {
      this.#active.delete(site);
      for (const entry of activation.pending) if (!entry.cancelled) this.#queue.push(entry);
      this.#pump();
      if (this.#active.size === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
    }
  }

  async #swapIn(site: string): Promise<SwappedIn> {
    const options = this.#options;
    this.#activations += 1;
    const app = await options.clientAppFactory(site);
    let engine: ClientEngine | undefined;
    try {
      engine = new ClientEngine({
        site,
        jobId: options.jobId,
        app,
        transport: this.#transportFor(site),
        workspaceDir: join(options.workspaceDir, site),
        logger: options.logger.child({ site }),
      });
      engine.subscribe(options.listener);
      await engine.start();
      const saved = this.#states.get(site);
      if (saved !== undefined) {
        for (const [index, binding] of app.executors.entries()) {
          if (index in saved && isStatefulExecutor(binding.executor)) await binding.executor.loadState(saved[index]);
        }
      }
      await engine.fireEvent(EventType.CLIENT_SWAPPED_IN, engine.newContext());
      return { engine, app };
    } catch (err) {
      const release = engine === undefined ? Promise.resolve(app.dispose?.()) : engine.close();
      await release.catch((cleanup: unknown) => options.logger.warn({ err: toError(cleanup), site }, 'could not release a client that failed to swap in'));
      throw err;
    }
  }

  async #swapOut(site: string, swapped: SwappedIn): Promise<void> {
    const { engine, app } = swapped;
    let saved: unknown[] | undefined;
    for (const [index, binding] of app.executors.entries()) {
      if (!isStatefulExecutor(binding.executor)) continue;
      try {
        saved ??= [...(this.#states.get(site) ?? [])];
        saved[index] = binding.executor.saveState();
      } catch (err) {
        this.#options.logger.error({ err: toError(err), site, executor: binding.executor.id }, 'saveState failed; keeping the previous state');
      }
    }
    if (saved !== undefined) this.#states.set(site, saved);
    await engine.fireEvent(EventType.CLIENT_SWAPPED_OUT, engine.newContext());
    await engine.close();
  }

  async #execute(engine: ClientEngine, entry: QueuedTask): Promise<void> {
    const { message, site } = entry;
    const { taskName, taskId } = message;
    // Until its data is made the task stays queued, so a revoke meanwhile still cancels it.
    const made = await message.data();
    this.#queued.delete(taskId);
    if (made === undefined || entry.cancelled) return;
    const data = this.#copy({ site, message: { taskName, taskId, result: made } });
    if (data === undefined) return;
    this.#tasksExecuted += 1;
    await engine.handleTask({ taskName, taskId, data });
  }

  /**
   * The payload of `message` through the codec (encode, then decode), so the two ends share nothing. A codec
   * failure is reported to the server as a COMMUNICATION_ERROR result and yields undefined.
   */
  #copy(input: { readonly site: string; readonly message: ResultMessage }): Shareable | undefined {
    const { site, message } = input;
    const { codec } = this.#options;
    try {
      return codec.decode(codec.encode(message.result));
    } catch (err) {
      const { taskName, taskId } = message;
      const error = toError(err);
      this.#options.logger.error({ err: error, site, task: taskName }, 'codec failed on a simulated message');
      this.#deliver(site, { taskName, taskId, result: errorResult({ rc: ReturnCode.COMMUNICATION_ERROR, taskName, taskId, error }) });
      return undefined;
    }
  }

  #deliver(site: string, message: ResultMessage): void {
    if (!this.#closed) this.#handler?.resultReceived(site, message);
  }

  /**
   * The client end a simulated client engine talks through: results and analytics go straight to the server
   * handler, through the same bytes a network transport would carry.
   */
  #transportFor(site: string): ClientTransport {
    return {
      site,
      bind: () => undefined,
      join: () => Promise.resolve(),
      leave: () => Promise.resolve(),
      submitResult: (message) => {
        const result = this.#copy({ site, message });
        if (result !== undefined) this.#deliver(site, { taskName: message.taskName, taskId: message.taskId, result });
        return Promise.resolve();
      },
      sendAnalytics: (message) => {
        try {
          const copy = decodeAnalyticsMessage(encodeAnalyticsMessage(message));
          if (!this.#closed) this.#handler?.analyticsReceived(site, copy);
          return Promise.resolve();
        } catch (err) {
          return Promise.reject(toError(err));
        }
      },
    };
  }
}
