import { ContextKey, EventType, FLContextManager, HeaderKey, ReturnCode, Shareable, silentLogger, toError } from '@hearth/core';
import type { AnalyticsPoint, EngineSpec, EventTypeValue, Executor, FLComponent, FLContext, JsonObject, Logger } from '@hearth/core';
import { AnalyticsStream } from './analytics-stream.js';
import type { AnalyticsStreamOptions, AnalyticsStreamStats } from './analytics-stream.js';
import type { ClientApp } from './client-app.js';
import { EngineContextKey } from './context-keys.js';
import type { EngineEventListener } from './engine-event.js';
import { EngineErrorCode, engineError } from './errors.js';
import { analyticsRecord } from './internal/analytics-record.js';
import { errorResult } from './internal/error-result.js';
import { EventDispatcher } from './internal/event-dispatcher.js';
import { FilterChains, runFilterChain } from './internal/filter-chains.js';
import { peerPropsOf } from './internal/peer-props.js';
import type { ClientTransport, TaskMessage } from './transport.js';

/** Options for {@link ClientEngine}. */
export interface ClientEngineOptions {
  /** This client's site name. */
  readonly site: string;
  /** The job it runs. */
  readonly jobId: string;
  /** What to run. */
  readonly app: ClientApp;
  /** How to reach the server. */
  readonly transport: ClientTransport;
  /** Where components may write results; it may not exist yet. */
  readonly workspaceDir: string;
  /** @default silentLogger() */
  readonly logger?: Logger;
  /** How streamed analytics are buffered and batched. @default see {@link AnalyticsStreamOptions} */
  readonly analytics?: AnalyticsStreamOptions;
}

const WILDCARD = '*';

function buildExecutorTable(app: ClientApp): Map<string, Executor> {
  if (!Array.isArray(app.executors)) throw engineError(EngineErrorCode.INVALID_APP, 'client app: executors must be an array of bindings');
  const table = new Map<string, Executor>();
  app.executors.forEach((binding, index) => {
    if (typeof (binding.executor as Partial<Executor> | undefined)?.execute !== 'function') {
      throw engineError(EngineErrorCode.INVALID_APP, `client app: executor binding ${index} has no executor`, { index });
    }
    if (!Array.isArray(binding.tasks) || binding.tasks.length === 0) {
      throw engineError(EngineErrorCode.INVALID_APP, `client app: executor binding ${index} names no tasks`, { index });
    }
    for (const task of binding.tasks) {
      if (typeof task !== 'string' || task.length === 0) {
        throw engineError(EngineErrorCode.INVALID_APP, `client app: executor binding ${index} has an empty task name`, { index });
      }
      if (table.has(task)) {
        throw engineError(EngineErrorCode.INVALID_APP, `client app: two executors claim task ${JSON.stringify(task)}`, { task, index });
      }
      table.set(task, binding.executor);
    }
  });
  return table;
}

/**
 * Runs the client side of one job. For each pushed task: picks the executor by task name (none: a
 * TASK_UNKNOWN result), runs the task-data filters (a throw: TASK_DATA_FILTER_ERROR), fires
 * BEFORE/AFTER_TASK_EXECUTION around the executor, which gets an AbortSignal (a throw: EXECUTION_EXCEPTION),
 * runs the task-result filters on an OK result (a throw: TASK_RESULT_FILTER_ERROR) and submits the result.
 * A task the server revokes, or a job it aborts, submits nothing. Points that components stream with
 * {@link ClientEngine.sendAnalytics} go to the server in the background; those of a task are all handed to
 * the transport before its result.
 */
export class ClientEngine implements EngineSpec {
  readonly siteName: string;
  readonly jobId: string;
  readonly logger: Logger;
  readonly workspaceDir: string;
  readonly #app: ClientApp;
  readonly #transport: ClientTransport;
  readonly #executors: Map<string, Executor>;
  readonly #dataFilters: FilterChains;
  readonly #resultFilters: FilterChains;
  readonly #contexts: FLContextManager;
  readonly #events: EventDispatcher;
  readonly #analytics: AnalyticsStream;
  readonly #running = new Map<string, AbortController>();
  #aborted = false;
  #state: 'new' | 'started' | 'closed' = 'new';

  constructor(options: ClientEngineOptions) {
    const { app } = options;
    if (!(app.components instanceof Map)) throw engineError(EngineErrorCode.INVALID_APP, 'client app: components must be a Map of id to component');
    this.siteName = options.site;
    this.jobId = options.jobId;
    this.workspaceDir = options.workspaceDir;
    this.logger = options.logger ?? silentLogger();
    this.#app = app;
    this.#transport = options.transport;
    this.#executors = buildExecutorTable(app);
    this.#dataFilters = new FilterChains(app.taskDataFilters, 'client task data');
    this.#resultFilters = new FilterChains(app.taskResultFilters, 'client task result');
    this.#contexts = new FLContextManager({ siteName: this.siteName, jobId: this.jobId, engine: this });
    const filters = [...app.taskDataFilters, ...app.taskResultFilters].flatMap((b) => b.filters);
    const components: FLComponent[] = [...app.components.values(), ...app.executors.map((b) => b.executor), ...filters];
    this.#events = new EventDispatcher({ site: this.siteName, components, logger: this.logger });
    this.#analytics = new AnalyticsStream({
      ...options.analytics,
      send: (message) => this.#transport.sendAnalytics(message),
      logger: this.logger,
    });
  }

  /**
   * Streams a point to the server, tagged with this site, the round of `ctx` and the time; returns at once.
   * Throws HEARTH_ERR_ENGINE_INVALID_ANALYTICS when the key, value or step is malformed.
   */
  sendAnalytics(point: AnalyticsPoint, ctx: FLContext): void {
    this.#analytics.push(analyticsRecord({ point, ctx, time: Date.now() }));
  }

  /** Points streamed so far: sent, dropped because the buffer was full, lost in failed sends, and waiting. */
  get analyticsStats(): AnalyticsStreamStats {
    return this.#analytics.stats;
  }

  /** A component of the job by id, or undefined. */
  getComponent(id: string): unknown {
    return this.#app.components.get(id);
  }

  /** Fires an event to every component in configuration order, then to subscribers; handler errors are logged. */
  fireEvent(type: EventTypeValue, ctx: FLContext): Promise<void> {
    return this.#events.fire(type, ctx);
  }

  /** A fresh context with the run's sticky props. */
  newContext(peerProps?: JsonObject): FLContext {
    return this.#contexts.newContext(peerProps);
  }

  /** Observes every event this engine fires; returns the function that stops it. */
  subscribe(listener: EngineEventListener): () => void {
    return this.#events.subscribe(listener);
  }

  /** Binds the transport, fires START_RUN and joins the server. Idempotent. */
  async start(): Promise<void> {
    if (this.#state !== 'new') return;
    this.#state = 'started';
    this.#transport.bind({
      taskReceived: (message) => void this.handleTask(message),
      taskRevoked: (taskId) => this.revokeTask(taskId),
      jobAborted: () => this.abortJob(),
    });
    await this.fireEvent(EventType.START_RUN, this.newContext());
    await this.#transport.join();
  }

  /**
   * Performs one task and submits its result; resolves when that is done (or the task was dropped because
   * it was revoked or the job aborted). Never rejects: failures become error results or log lines.
   */
  async handleTask(message: TaskMessage): Promise<void> {
    const { taskName, taskId } = message;
    if (this.#aborted || this.#state === 'closed' || this.#running.has(taskId)) return;
    const abort = new AbortController();
    this.#running.set(taskId, abort);
    const ctx = this.newContext(peerPropsOf(message.data));
    ctx.set(EngineContextKey.PEER_SITE, 'server');
    ctx.set(EngineContextKey.TASK_NAME, taskName);
    ctx.set(EngineContextKey.TASK_ID, taskId);
    const round = message.data.headers[HeaderKey.CURRENT_ROUND];
    if (typeof round === 'number') ctx.set(ContextKey.CURRENT_ROUND, round);
    let result: Shareable;
    try {
      result = await this.#perform(message, { ctx, signal: abort.signal });
    } finally {
      this.#running.delete(taskId);
    }
    await this.#analytics.flush();
    if (abort.signal.aborted) {
      this.logger.info({ task: taskName, taskId }, 'task aborted; not submitting a result');
      return;
    }
    this.#stamp({ result, message, ctx });
    ctx.set(EngineContextKey.TASK_RESULT, result);
    try {
      await this.fireEvent(EventType.BEFORE_SEND_TASK_RESULT, ctx);
      await this.#transport.submitResult({ taskName, taskId, result });
      await this.fireEvent(EventType.AFTER_SEND_TASK_RESULT, ctx);
    } catch (err) {
      this.logger.error({ err: toError(err), task: taskName, taskId }, 'could not submit the result');
    }
  }

  /** Aborts a running task (its executor's signal fires); its result is not submitted. */
  revokeTask(taskId: string): void {
    this.#running.get(taskId)?.abort(new Error(`task ${taskId} revoked by the server`));
  }

  /** Aborts every running task and refuses new ones. */
  abortJob(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    for (const abort of this.#running.values()) abort.abort(new Error('job aborted'));
  }

  /** Aborts running tasks, fires END_RUN, sends the last analytics, leaves the server and disposes the app. Idempotent. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    const started = this.#state === 'started';
    this.#state = 'closed';
    for (const abort of this.#running.values()) abort.abort(new Error('client engine closing'));
    if (started) {
      await this.fireEvent(EventType.END_RUN, this.newContext());
      await this.#analytics.close();
      await this.#transport.leave().catch((err: unknown) => this.logger.warn({ err: toError(err) }, 'could not leave the server'));
    }
    try {
      await this.#app.dispose?.();
    } catch (err) {
      this.logger.error({ err: toError(err) }, 'client app dispose failed');
    }
  }

  async #perform(message: TaskMessage, run: { readonly ctx: FLContext; readonly signal: AbortSignal }): Promise<Shareable> {
    const { taskName, taskId } = message;
    const { ctx, signal } = run;
    const executor = this.#executors.get(taskName) ?? this.#executors.get(WILDCARD);
    if (executor === undefined) {
      const error = new Error(`site ${this.siteName} has no executor for task ${JSON.stringify(taskName)}`);
      this.logger.warn({ task: taskName }, error.message);
      return errorResult({ rc: ReturnCode.TASK_UNKNOWN, taskName, taskId, error });
    }
    let data = message.data;
    ctx.set(EngineContextKey.TASK_DATA, data);
    const dataChain = this.#dataFilters.chainFor(taskName);
    if (dataChain.length > 0) {
      await this.fireEvent(EventType.BEFORE_TASK_DATA_FILTER, ctx);
      try {
        data = await runFilterChain(dataChain, data, ctx);
      } catch (err) {
        const error = toError(err);
        this.logger.error({ err: error, task: taskName }, 'task data filter failed');
        return errorResult({ rc: ReturnCode.TASK_DATA_FILTER_ERROR, taskName, taskId, error });
      }
      ctx.set(EngineContextKey.TASK_DATA, data);
      await this.fireEvent(EventType.AFTER_TASK_DATA_FILTER, ctx);
    }

    await this.fireEvent(EventType.BEFORE_TASK_EXECUTION, ctx);
    let result: Shareable;
    try {
      const produced: unknown = await executor.execute(taskName, data, ctx, signal);
      if (!(produced instanceof Shareable)) {
        const error = new Error(`executor ${executor.id || executor.constructor.name} returned ${typeof produced}, not a Shareable`);
        return errorResult({ rc: ReturnCode.EXECUTION_RESULT_ERROR, taskName, taskId, error });
      }
      result = produced;
    } catch (err) {
      const error = toError(err);
      const rc = signal.aborted ? ReturnCode.TASK_ABORTED : ReturnCode.EXECUTION_EXCEPTION;
      if (!signal.aborted) this.logger.error({ err: error, task: taskName }, 'executor failed');
      return errorResult({ rc, taskName, taskId, error });
    }
    ctx.set(EngineContextKey.TASK_RESULT, result);
    await this.fireEvent(EventType.AFTER_TASK_EXECUTION, ctx);

    const resultChain = this.#resultFilters.chainFor(taskName);
    if (resultChain.length === 0 || result.returnCode !== ReturnCode.OK) return result;
    await this.fireEvent(EventType.BEFORE_TASK_RESULT_FILTER, ctx);
    try {
      result = await runFilterChain(resultChain, result, ctx);
    } catch (err) {
      const error = toError(err);
      this.logger.error({ err: error, task: taskName }, 'task result filter failed');
      return errorResult({ rc: ReturnCode.TASK_RESULT_FILTER_ERROR, taskName, taskId, error });
    }
    ctx.set(EngineContextKey.TASK_RESULT, result);
    await this.fireEvent(EventType.AFTER_TASK_RESULT_FILTER, ctx);
    return result;
  }

  /** Echoes the task's name, id, round and cookies, sets OK when no code is set, and adds public context props. */
  #stamp(input: { readonly result: Shareable; readonly message: TaskMessage; readonly ctx: FLContext }): void {
    const { result, message, ctx } = input;
    const headers = result.headers;
    headers[HeaderKey.TASK_NAME] = message.taskName;
    headers[HeaderKey.TASK_ID] = message.taskId;
    headers[HeaderKey.RETURN_CODE] ??= ReturnCode.OK;
    const cookies = message.data.headers[HeaderKey.COOKIE_JAR];
    if (cookies !== undefined) headers[HeaderKey.COOKIE_JAR] = cookies;
    const round = message.data.headers[HeaderKey.CURRENT_ROUND];
    if (round !== undefined) headers[HeaderKey.CURRENT_ROUND] ??= round;
    const publicProps = ctx.publicProps();
    if (Object.keys(publicProps).length > 0) headers[HeaderKey.PEER_PROPS] = publicProps;
  }
}
