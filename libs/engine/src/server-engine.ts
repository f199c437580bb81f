import { EventType, FLContextManager, HeaderKey, ReturnCode, TaskCompletionStatus, silentLogger, toError } from '@hearth/core';
import type { EngineSpec, EventTypeValue, FLComponent, FLContext, Filter, JsonObject, Logger, Shareable } from '@hearth/core';
import { isController, systemClock } from '@hearth/workflow';
import type { Clock, Controller, ControllerHost, PushTaskRequest, RevokeTaskRequest } from '@hearth/workflow';
import { analyticsBatches } from './analytics-batch.js';
import type { AnalyticsBatch } from './analytics-batch.js';
import type { AnalyticsMessage } from './analytics-message.js';
import { EngineContextKey } from './context-keys.js';
import type { EngineEventListener } from './engine-event.js';
import { EngineEventType } from './engine-event-type.js';
import { EngineErrorCode, engineError } from './errors.js';
import { AnalyticsInbox } from './internal/analytics-inbox.js';
import { cloneShareable } from './internal/clone-shareable.js';
import { EventDispatcher } from './internal/event-dispatcher.js';
import { FilterChains, runFilterChain } from './internal/filter-chains.js';
import { errorResult } from './internal/error-result.js';
import { peerPropsOf } from './internal/peer-props.js';
import { RunStatus } from './run-outcome.js';
import type { RunOutcome, RunStatusValue } from './run-outcome.js';
import type { ServerApp } from './server-app.js';
import type { ClientLeftReasonValue, ResultMessage, ServerTransport } from './transport.js';

/** Options for {@link ServerEngine}. */
export interface ServerEngineOptions {
  /** What to run. */
  readonly app: ServerApp;
  /** How to reach the clients. */
  readonly transport: ServerTransport;
  /** The job being run. */
  readonly jobId: string;
  /** Where components may write results; it may not exist yet. */
  readonly workspaceDir: string;
  /** @default silentLogger() */
  readonly logger?: Logger;
  /** Time source for task timeouts. @default systemClock */
  readonly clock?: Clock;
  /** This site's name. @default 'server' */
  readonly siteName?: string;
  /** Most analytics batches waiting for their ANALYTICS_RECEIVED event; more drop the oldest. @default 1000 */
  readonly analyticsCapacity?: number;
}

const DEFAULT_ANALYTICS_CAPACITY = 1000;

function checkApp(app: ServerApp): void {
  if (!(app.components instanceof Map)) throw engineError(EngineErrorCode.INVALID_APP, 'server app: components must be a Map of id to component');
  if (!Array.isArray(app.workflows)) throw engineError(EngineErrorCode.INVALID_APP, 'server app: workflows must be an array');
  app.workflows.forEach((workflow, index) => {
    if (!isController(workflow)) {
      throw engineError(EngineErrorCode.INVALID_APP, `server app: workflow ${index} is not a Controller`, { index });
    }
  });
}

/**
 * Runs the server side of one job: its workflows one after another, with the transport to the clients. It is
 * the workflows' {@link ControllerHost} (tracks live clients, pushes tasks through the per-client task-data
 * filters, feeds results through the task-result filters to the running controller) and the components'
 * {@link EngineSpec} (component lookup, events in configuration order, contexts with sticky props). Analytics
 * that clients stream become {@link EngineEventType.ANALYTICS_RECEIVED} events, fired one after another in
 * arrival order, all of them before END_RUN; at most `analyticsCapacity` batches wait (drop-oldest).
 */
export class ServerEngine implements EngineSpec, ControllerHost {
  readonly siteName: string;
  readonly jobId: string;
  readonly logger: Logger;
  readonly workspaceDir: string;
  readonly clock: Clock;
  readonly #app: ServerApp;
  readonly #transport: ServerTransport;
  readonly #contexts: FLContextManager;
  readonly #events: EventDispatcher;
  readonly #dataFilters: FilterChains;
  readonly #resultFilters: FilterChains;
  readonly #clients = new Set<string>();
  readonly #abort = new AbortController();
  readonly #analytics: AnalyticsInbox;
  #analyticsOpen = true;
  #current: Controller | undefined;
  #ran = false;

  constructor(options: ServerEngineOptions) {
    checkApp(options.app);
    this.siteName = options.siteName ?? 'server';
    this.jobId = options.jobId;
    this.workspaceDir = options.workspaceDir;
    this.logger = options.logger ?? silentLogger();
    this.clock = options.clock ?? systemClock;
    this.#app = options.app;
    this.#transport = options.transport;
    this.#dataFilters = new FilterChains(options.app.taskDataFilters, 'server task data');
    this.#resultFilters = new FilterChains(options.app.taskResultFilters, 'server task result');
    this.#contexts = new FLContextManager({ siteName: this.siteName, jobId: this.jobId, engine: this });
    const filters = [...options.app.taskDataFilters, ...options.app.taskResultFilters].flatMap((b) => b.filters);
    const components: FLComponent[] = [...options.app.components.values(), ...options.app.workflows, ...filters];
    this.#events = new EventDispatcher({ site: this.siteName, components, logger: this.logger });
    const capacity = options.analyticsCapacity ?? DEFAULT_ANALYTICS_CAPACITY;
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw engineError(EngineErrorCode.INVALID_OPTIONS, `server engine: analyticsCapacity must be a whole number >= 1, got ${String(capacity)}`, { capacity });
    }
    this.#analytics = new AnalyticsInbox({ capacity, deliver: (batch) => this.#deliverAnalytics(batch), logger: this.logger });
    this.#transport.bind({
      clientJoined: (client) => this.#clientJoined(client),
      clientLeft: (client, reason) => this.#clientLeft(client, reason),
      resultReceived: (client, message) => void this.#resultReceived(client, message),
      analyticsReceived: (client, message) => this.#analyticsReceived(client, message),
    });
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

  /** Connected, live clients in join order. */
  clients(): readonly string[] {
    return [...this.#clients];
  }

  /** True when `client` is connected and alive. */
  isClientAvailable(client: string): boolean {
    return this.#clients.has(client);
  }

  /** ControllerHost: filters the task for `client` (on a private copy when filters apply) and sends it. */
  pushTask(request: PushTaskRequest): void {
    void this.#deliverTask(request);
  }

  /** ControllerHost: tells the client to drop the task. */
  revokeTask(request: RevokeTaskRequest): void {
    this.#transport.revokeTask(request.client, request.taskId).catch((err: unknown) => {
      this.logger.debug({ err: toError(err), client: request.client, taskId: request.taskId }, 'could not revoke task');
    });
  }

  /**
   * Runs the workflows in order and resolves with how the run ended. Fires START_RUN first and END_RUN
   * last; a workflow that throws fails the run (FATAL_SYSTEM_ERROR, clients told to abort), an abort ends it.
   */
  async run(): Promise<RunOutcome> {
    if (this.#ran) throw engineError(EngineErrorCode.ALREADY_RUN, `server engine for job ${this.jobId} already ran; create a new one`);
    this.#ran = true;
    const ctx = this.newContext();
    await this.fireEvent(EventType.START_RUN, ctx);
    let outcome: RunOutcome = { status: RunStatus.COMPLETED };
    for (const workflow of this.#app.workflows) {
      if (this.#abort.signal.aborted) break;
      outcome = await this.#runWorkflow(workflow, ctx);
      if (outcome.status !== RunStatus.COMPLETED) break;
    }
    this.#analyticsOpen = false;
    await this.#analytics.drained();
    const status: RunStatusValue = this.#abort.signal.aborted ? RunStatus.ABORTED : outcome.status;
    if (status === RunStatus.ABORTED) await this.fireEvent(EventType.JOB_ABORTED, ctx);
    if (status === RunStatus.FAILED) {
      await this.fireEvent(EventType.FATAL_SYSTEM_ERROR, ctx);
      await this.#abortClients();
    }
    await this.fireEvent(EventType.END_RUN, ctx);
    this.logger.info({ status }, 'run ended');
    return status === RunStatus.FAILED ? outcome : { status };
  }

  /**
   * Aborts the run: the running workflow's signal fires, its tasks end with status `aborted`, clients are
   * told to abort, and no further workflow starts. Idempotent.
   */
  abort(reason = 'aborted'): void {
    if (this.#abort.signal.aborted) return;
    this.logger.warn({ reason }, 'aborting run');
    this.#abort.abort(reason);
    this.#current?.cancelAllTasks(TaskCompletionStatus.ABORTED);
    void this.#abortClients();
  }

  async #runWorkflow(workflow: Controller, ctx: FLContext): Promise<RunOutcome> {
    this.#current = workflow;
    workflow.attachHost(this);
    const log = { workflow: workflow.id };
    let outcome: RunOutcome = { status: RunStatus.COMPLETED };
    try {
      this.logger.info(log, 'workflow starting');
      await workflow.start?.(ctx);
      await workflow.run(ctx, this.#abort.signal);
    } catch (err) {
      if (this.#abort.signal.aborted) {
        outcome = { status: RunStatus.ABORTED };
      } else {
        const error = toError(err);
        this.logger.error({ ...log, err: error }, 'workflow failed');
        outcome = { status: RunStatus.FAILED, error };
      }
    } finally {
      workflow.cancelAllTasks(this.#abort.signal.aborted ? TaskCompletionStatus.ABORTED : TaskCompletionStatus.CANCELLED);
      try {
        await workflow.stop?.(ctx);
      } catch (err) {
        this.logger.error({ ...log, err: toError(err) }, 'workflow stop failed');
      }
      this.#current = undefined;
    }
    return outcome;
  }

  async #abortClients(): Promise<void> {
    try {
      await this.#transport.abortJob();
    } catch (err) {
      this.logger.warn({ err: toError(err) }, 'could not tell clients to abort');
    }
  }

  #clientJoined(client: string): void {
    if (this.#clients.has(client)) return;
    this.#clients.add(client);
    this.logger.debug({ client }, 'client joined');
    const ctx = this.newContext();
    ctx.set(EngineContextKey.PEER_SITE, client);
    void this.fireEvent(EventType.CLIENT_CONNECTED, ctx);
    this.#current?.handleClientJoined(client);
  }

  #clientLeft(client: string, reason: ClientLeftReasonValue): void {
    if (!this.#clients.delete(client)) return;
    this.logger.info({ client, reason }, 'client left');
    const ctx = this.newContext();
    ctx.set(EngineContextKey.PEER_SITE, client);
    void this.fireEvent(EventType.CLIENT_DISCONNECTED, ctx);
    this.#current?.handleClientDead(client);
  }

  #analyticsReceived(client: string, message: AnalyticsMessage): void {
    if (!this.#analyticsOpen) {
      this.logger.debug({ client, points: message.points.length }, 'dropping analytics that arrived after the run');
      return;
    }
    if (message.dropped > 0) this.logger.warn({ client, dropped: message.dropped }, 'client dropped analytics points; its stream has a gap');
    for (const batch of analyticsBatches(client, message)) this.#analytics.push(batch);
  }

  #deliverAnalytics(batch: AnalyticsBatch): Promise<void> {
    const ctx = this.newContext();
    ctx.set(EngineContextKey.PEER_SITE, batch.site);
    ctx.set(EngineContextKey.ANALYTICS, batch);
    return this.fireEvent(EngineEventType.ANALYTICS_RECEIVED, ctx);
  }

  async #deliverTask(request: PushTaskRequest): Promise<void> {
    const { client, taskName, taskId, data } = request;
    const chain = this.#dataFilters.chainFor(taskName);
    const transport = this.#transport;
    try {
      if (chain.length === 0) {
        await transport.pushTask(client, { taskName, taskId, data });
      } else if (transport.pushDeferredTask !== undefined) {
        await transport.pushDeferredTask(client, { taskName, taskId, data: () => this.#filterTaskData({ request, chain }) });
      } else {
        const filtered = await this.#filterTaskData({ request, chain });
        if (filtered !== undefined) await transport.pushTask(client, { taskName, taskId, data: filtered });
      }
    } catch (err) {
      const error = toError(err);
      this.logger.warn({ err: error, client, task: taskName }, 'could not deliver task');
      this.#toController({ client, taskName, taskId, result: errorResult({ rc: ReturnCode.COMMUNICATION_ERROR, taskName, taskId, error }) });
    }
  }

  /**
   * The task data after the server's task-data filters (each client gets its own copy), between the
   * BEFORE/AFTER_TASK_DATA_FILTER events. A failing filter is reported as the task's result
   * (TASK_DATA_FILTER_ERROR) and yields undefined: the client does not get the task.
   */
  async #filterTaskData(input: { readonly request: PushTaskRequest; readonly chain: readonly Filter[] }): Promise<Shareable | undefined> {
    const { client, taskName, taskId } = input.request;
    const ctx = this.#taskContext({ client, taskName, taskId });
    ctx.set(EngineContextKey.TASK_DATA, input.request.data);
    try {
      await this.fireEvent(EventType.BEFORE_TASK_DATA_FILTER, ctx);
      const data = await runFilterChain(input.chain, cloneShareable(input.request.data), ctx);
      ctx.set(EngineContextKey.TASK_DATA, data);
      await this.fireEvent(EventType.AFTER_TASK_DATA_FILTER, ctx);
      return data;
    } catch (err) {
      const error = toError(err);
      this.logger.error({ err: error, client, task: taskName }, 'task data filter failed; the client does not get the task');
      this.#toController({ client, taskName, taskId, result: errorResult({ rc: ReturnCode.TASK_DATA_FILTER_ERROR, taskName, taskId, error }) });
      return undefined;
    }
  }

  async #resultReceived(client: string, message: ResultMessage): Promise<void> {
    const { taskName, taskId } = message;
    let result = message.result;
    result.headers[HeaderKey.SITE_NAME] = client;
    const ctx = this.#taskContext({ client, taskName, taskId, peerProps: peerPropsOf(result) });
    ctx.set(EngineContextKey.TASK_RESULT, result);
    const chain = this.#resultFilters.chainFor(taskName);
    if (chain.length > 0) {
      await this.fireEvent(EventType.BEFORE_TASK_RESULT_FILTER, ctx);
      try {
        result = await runFilterChain(chain, result, ctx);
      } catch (err) {
        const error = toError(err);
        this.logger.error({ err: error, client, task: taskName }, 'task result filter failed');
        result = errorResult({ rc: ReturnCode.TASK_RESULT_FILTER_ERROR, taskName, taskId, error });
      }
      ctx.set(EngineContextKey.TASK_RESULT, result);
      await this.fireEvent(EventType.AFTER_TASK_RESULT_FILTER, ctx);
    }
    await this.fireEvent(EventType.BEFORE_PROCESS_SUBMISSION, ctx);
    this.#toController({ client, taskName, taskId, result, ctx });
    await this.fireEvent(EventType.AFTER_PROCESS_SUBMISSION, ctx);
  }

  #toController(input: ResultMessage & { readonly client: string; readonly ctx?: FLContext }): void {
    const controller = this.#current;
    if (controller === undefined) {
      this.logger.debug({ client: input.client, taskId: input.taskId }, 'dropping a result that arrived between workflows');
      return;
    }
    const ctx = input.ctx ?? this.#taskContext(input);
    try {
      controller.handleResult(input.client, input.taskId, input.result, ctx);
    } catch (err) {
      this.logger.error({ err: toError(err), client: input.client, taskId: input.taskId }, 'controller failed to handle a result');
    }
  }

  #taskContext(input: { readonly client: string; readonly taskName: string; readonly taskId: string; readonly peerProps?: JsonObject }): FLContext {
    const ctx = this.newContext(input.peerProps);
    ctx.set(EngineContextKey.PEER_SITE, input.client);
    ctx.set(EngineContextKey.TASK_NAME, input.taskName);
    ctx.set(EngineContextKey.TASK_ID, input.taskId);
    return ctx;
  }
}
