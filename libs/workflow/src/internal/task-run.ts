import { HeaderKey, Shareable, TaskCompletionStatus, toError } from '@hearth/core';
import type { FLContext, TaskCompletionStatusValue } from '@hearth/core';
import type { TimerHandle } from '../clock.js';
import type { ClientTaskCallback } from '../controller-task.js';
import type { ControllerHost } from '../controller-host.js';
import { ClientTaskImpl } from './controller-task-impl.js';
import type { ControllerTaskImpl } from './controller-task-impl.js';

/** What a running task needs from the controller that scheduled it. */
export interface TaskRunEnv {
  readonly host: ControllerHost;
  /** Indexes an outstanding client task so its result is found by id. */
  track(run: TaskRun, clientTask: ClientTaskImpl): void;
  /** Drops a client task from the index; a result for it then counts as unknown. */
  untrack(clientTaskId: string): void;
  /** The run ended; the controller forgets it. */
  finished(run: TaskRun): void;
}

/**
 * The life of one scheduled task: dispatching to clients, results, dead clients, timers and completion.
 * Subclasses decide who gets the task and when it is done (broadcast, send, relay). All bookkeeping is O(1)
 * per client event; nothing scans all clients except the initial dispatch of a broadcast.
 */
export abstract class TaskRun {
  readonly task: ControllerTaskImpl;
  protected readonly env: TaskRunEnv;
  /** Client tasks sent and not yet answered, by client name. */
  protected readonly outstanding = new Map<string, ClientTaskImpl>();
  readonly #timers: TimerHandle[] = [];
  readonly #waiters: Array<(status: TaskCompletionStatusValue) => void> = [];
  #done = false;

  constructor(task: ControllerTaskImpl, env: TaskRunEnv) {
    this.task = task;
    this.env = env;
  }

  /** True once the task has a completion status. */
  get done(): boolean {
    return this.#done;
  }

  /** Starts the task timeout, then lets the subclass hand out the task. */
  start(): void {
    if (this.task.timeoutMs > 0) {
      this.setTimer(() => this.complete(TaskCompletionStatus.TIMEOUT), this.task.timeoutMs);
    }
    this.begin();
  }

  /** A client joined (or came back); the subclass may hand it the task. */
  abstract clientJoined(client: string): void;

  /** A client's result for `clientTask` arrived. */
  acceptResult(clientTask: ClientTaskImpl, result: Shareable, ctx: FLContext): void {
    clientTask.result = result;
    clientTask.resultReceivedAt = this.env.host.clock.now();
    this.outstanding.delete(clientTask.client);
    if (!this.invoke(this.task.callbacks.resultReceived, clientTask, ctx)) return;
    if (!this.#done) this.afterResult(clientTask, ctx);
  }

  /** The engine reports `client` dead; matters only when it holds this task. */
  clientDead(client: string): void {
    const clientTask = this.outstanding.get(client);
    if (clientTask === undefined) return;
    this.outstanding.delete(client);
    this.env.untrack(clientTask.id);
    this.holderDied(clientTask);
  }

  /**
   * Ends the task: cancels timers, revokes it from clients still holding it, runs `taskDone` and wakes
   * waiters. Later calls do nothing.
   */
  complete(status: TaskCompletionStatusValue, ctx?: FLContext): void {
    if (this.#done) return;
    this.#done = true;
    this.task.completionStatus = status;
    for (const timer of this.#timers) timer.cancel();
    this.#timers.length = 0;
    for (const clientTask of this.outstanding.values()) {
      this.env.untrack(clientTask.id);
      this.env.host.revokeTask({ client: clientTask.client, taskId: clientTask.id });
    }
    this.outstanding.clear();
    this.env.finished(this);
    const taskDone = this.task.callbacks.taskDone;
    if (taskDone !== undefined) {
      try {
        taskDone(this.task, ctx ?? this.env.host.newContext());
      } catch (err) {
        this.env.host.logger.error({ err: toError(err), task: this.task.name, taskId: this.task.id }, 'taskDone callback failed');
      }
    }
    for (const wake of this.#waiters.splice(0)) wake(status);
  }

  /** Resolves with the completion status; aborting `signal` ends the task with status `aborted`. */
  wait(signal?: AbortSignal): Promise<TaskCompletionStatusValue> {
    if (!this.#done && signal?.aborted === true) this.complete(TaskCompletionStatus.ABORTED);
    const status = this.task.completionStatus;
    if (this.#done && status !== undefined) return Promise.resolve(status);
    return new Promise((resolve) => {
      const onAbort = (): void => this.complete(TaskCompletionStatus.ABORTED);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push((final) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(final);
      });
    });
  }

  /** Hands out the task for the first time. */
  protected abstract begin(): void;

  /** Reacts to a result after `resultReceived` ran (and did not end the task). */
  protected abstract afterResult(clientTask: ClientTaskImpl, ctx: FLContext): void;

  /** Reacts to the death of a client that held the task (already removed from `outstanding`). */
  protected abstract holderDied(clientTask: ClientTaskImpl): void;

  /**
   * Sends the task to `client`: runs `beforeTaskSent`, pushes a per-client envelope (fresh headers, the
   * task's DXO), runs `afterTaskSent`. Returns the client task, or undefined when a callback ended the task.
   */
  protected dispatch(client: string): ClientTaskImpl | undefined {
    const clientTask = new ClientTaskImpl(this.task, client);
    this.task.clientTasks.push(clientTask);
    const { callbacks } = this.task;
    const ctx = callbacks.beforeTaskSent === undefined && callbacks.afterTaskSent === undefined ? undefined : this.env.host.newContext();
    if (ctx !== undefined && !this.invoke(callbacks.beforeTaskSent, clientTask, ctx)) return undefined;
    const source = this.task.data;
    const data = new Shareable({
      headers: { ...source.headers, [HeaderKey.TASK_NAME]: this.task.name, [HeaderKey.TASK_ID]: clientTask.id },
      dxo: source.dxo,
    });
    clientTask.sentAt = this.env.host.clock.now();
    this.outstanding.set(client, clientTask);
    this.env.track(this, clientTask);
    this.env.host.pushTask({ client, taskName: this.task.name, taskId: clientTask.id, data });
    if (ctx !== undefined && !this.invoke(callbacks.afterTaskSent, clientTask, ctx)) return undefined;
    return this.#done ? undefined : clientTask;
  }

  /** Stops waiting for `clientTask` (its late result will count as unknown) and revokes it from its client. */
  protected abandon(clientTask: ClientTaskImpl): void {
    if (this.outstanding.get(clientTask.client) !== clientTask) return;
    this.outstanding.delete(clientTask.client);
    this.env.untrack(clientTask.id);
    this.env.host.revokeTask({ client: clientTask.client, taskId: clientTask.id });
  }

  /** A timer that is cancelled when the task ends and never fires after that. */
  protected setTimer(callback: () => void, delayMs: number): TimerHandle {
    const handle = this.env.host.clock.setTimer(() => {
      if (!this.#done) callback();
    }, delayMs);
    this.#timers.push(handle);
    return handle;
  }

  /** Runs a client-task callback; a throw ends the task with status `error` and returns false. */
  protected invoke(callback: ClientTaskCallback | undefined, clientTask: ClientTaskImpl, ctx: FLContext): boolean {
    if (callback === undefined) return true;
    try {
      callback(clientTask, ctx);
      return true;
    } catch (err) {
      const error = toError(err);
      this.task.error = error;
      this.env.host.logger.error(
        { err: error, task: this.task.name, taskId: this.task.id, client: clientTask.client },
        'task callback failed; ending the task with status error',
      );
      this.complete(TaskCompletionStatus.ERROR, ctx);
      return false;
    }
  }
}
