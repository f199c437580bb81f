import { FLComponent, HeaderKey, TaskCompletionStatus } from '@hearth/core';
import type { FLContext, Shareable, TaskCompletionStatusValue } from '@hearth/core';
import type { ControllerHost } from './controller-host.js';
import type { ControllerTask } from './controller-task.js';
import { WorkflowErrorCode, workflowError } from './errors.js';
import { BroadcastRun } from './internal/broadcast-run.js';
import { ControllerTaskImpl } from './internal/controller-task-impl.js';
import type { ClientTaskImpl } from './internal/controller-task-impl.js';
import { RelayRun } from './internal/relay-run.js';
import { SendRun } from './internal/send-run.js';
import type { TaskRun, TaskRunEnv } from './internal/task-run.js';
import type { BroadcastOptions, RelayOptions, SendOptions, WaitOptions } from './task-options.js';

/** A result nobody waits for: its task ended, was never known, or stopped waiting for this client. */
export interface UnknownTaskResult {
  /** Site that sent it. */
  readonly client: string;
  /** Task name from the result headers ('' when absent). */
  readonly taskName: string;
  /** The (task, client) id the result carries. */
  readonly taskId: string;
  /** The result itself. */
  readonly result: Shareable;
  /** Context of the submission. */
  readonly ctx: FLContext;
}

interface Outstanding {
  readonly run: TaskRun;
  readonly clientTask: ClientTaskImpl;
}

/**
 * Base of every server-side workflow (NVFlare's Controller, push-based). Subclasses write the control flow in
 * {@link Controller.run} with `broadcast`, `send` and `relay` (each with a waiting variant); the server engine
 * attaches itself as the {@link ControllerHost} and feeds results, joins and deaths in through
 * `handleResult`, `handleClientJoined` and `handleClientDead`.
 *
 * Task data is handed over by reference and serialized when it is delivered: replace a task's DXO, never
 * mutate one that was sent.
 */
export abstract class Controller extends FLComponent {
  #host: ControllerHost | undefined;
  readonly #runs = new Set<TaskRun>();
  readonly #outstanding = new Map<string, Outstanding>();
  readonly #env: TaskRunEnv = this.#createEnv();

  /** Called by the engine before {@link Controller.start}; a controller runs under one host at a time. */
  attachHost(host: ControllerHost): void {
    this.#host = host;
  }

  /** The engine this controller runs under; throws before {@link Controller.attachHost}. */
  protected get host(): ControllerHost {
    if (this.#host === undefined) {
      throw workflowError(WorkflowErrorCode.NOT_ATTACHED, `controller ${this.id || this.constructor.name} is not attached to an engine`);
    }
    return this.#host;
  }

  /** Optional: prepares the workflow (resolve components by id, check arguments). Runs before {@link Controller.run}. */
  start?(ctx: FLContext): void | Promise<void>;

  /** The control flow. Return when done; stop promptly when `signal` aborts. */
  abstract run(ctx: FLContext, signal: AbortSignal): Promise<void>;

  /** Optional: releases what {@link Controller.start} acquired. Runs after {@link Controller.run}, also when it failed. */
  stop?(ctx: FLContext): void | Promise<void>;

  /** Sends `task` to every target (or every client, now and joining) and returns at once. */
  broadcast(task: ControllerTask, options: BroadcastOptions = {}): void {
    const impl = this.#claim(task);
    this.#schedule(new BroadcastRun(impl, this.#env, options));
  }

  /** {@link Controller.broadcast}, then waits for the task to end and returns its completion status. */
  async broadcastAndWait(task: ControllerTask, options: BroadcastOptions & WaitOptions = {}): Promise<TaskCompletionStatusValue> {
    const impl = this.#claim(task);
    return this.#scheduleAndWait(new BroadcastRun(impl, this.#env, options), options.signal);
  }

  /** Sends `task` to exactly one of the targets and returns at once. */
  send(task: ControllerTask, options: SendOptions): void {
    const impl = this.#claim(task);
    this.#schedule(new SendRun(impl, this.#env, options));
  }

  /** {@link Controller.send}, then waits for the task to end and returns its completion status. */
  async sendAndWait(task: ControllerTask, options: SendOptions & WaitOptions): Promise<TaskCompletionStatusValue> {
    const impl = this.#claim(task);
    return this.#scheduleAndWait(new SendRun(impl, this.#env, options), options.signal);
  }

  /** Sends `task` to the targets one after another and returns at once. */
  relay(task: ControllerTask, options: RelayOptions = {}): void {
    const impl = this.#claim(task);
    this.#schedule(new RelayRun(impl, this.#env, options));
  }

  /** {@link Controller.relay}, then waits for the task to end and returns its completion status. */
  async relayAndWait(task: ControllerTask, options: RelayOptions & WaitOptions = {}): Promise<TaskCompletionStatusValue> {
    const impl = this.#claim(task);
    return this.#scheduleAndWait(new RelayRun(impl, this.#env, options), options.signal);
  }

  /** Ends a scheduled task with `status`; clients still holding it are told to drop it. No-op once it ended. */
  cancelTask(task: ControllerTask, status: TaskCompletionStatusValue = TaskCompletionStatus.CANCELLED): void {
    for (const run of this.#runs) {
      if (run.task === task) {
        run.complete(status);
        return;
      }
    }
  }

  /** Ends every task this controller still runs with `status`. The engine calls it on abort and after `run`. */
  cancelAllTasks(status: TaskCompletionStatusValue = TaskCompletionStatus.CANCELLED): void {
    for (const run of [...this.#runs]) run.complete(status);
  }

  /**
   * Receives results nobody waits for: late ones (the task ended or stopped waiting for that client) and
   * ones for tasks this controller never had. The default logs and drops them.
   */
  processResultOfUnknownTask(unknown: UnknownTaskResult): void {
    this.host.logger.warn(
      { client: unknown.client, task: unknown.taskName, taskId: unknown.taskId, rc: unknown.result.returnCode },
      'dropping a result for a task that is no longer running',
    );
  }

  /** Engine entry: a client's result for the (task, client) id `taskId`. */
  handleResult(client: string, taskId: string, result: Shareable, ctx: FLContext): void {
    const entry = this.#outstanding.get(taskId);
    if (entry === undefined) {
      this.processResultOfUnknownTask({ client, taskName: result.stringHeader(HeaderKey.TASK_NAME) ?? '', taskId, result, ctx });
      return;
    }
    if (entry.clientTask.client !== client) {
      this.host.logger.warn({ client, owner: entry.clientTask.client, taskId }, 'ignoring a result sent by a client that does not hold the task');
      return;
    }
    this.#outstanding.delete(taskId);
    entry.run.acceptResult(entry.clientTask, result, ctx);
  }

  /** Engine entry: `client` connected (or came back); running tasks may hand it work. */
  handleClientJoined(client: string): void {
    for (const run of [...this.#runs]) run.clientJoined(client);
  }

  /** Engine entry: `client` is dead; tasks it holds react (usually ending with status `client_dead`). */
  handleClientDead(client: string): void {
    for (const run of [...this.#runs]) run.clientDead(client);
  }

  #claim(task: ControllerTask): ControllerTaskImpl {
    if (!(task instanceof ControllerTaskImpl)) {
      throw workflowError(WorkflowErrorCode.INVALID_TASK, 'tasks must be made with createTask()');
    }
    if (this.#host === undefined) {
      throw workflowError(WorkflowErrorCode.NOT_ATTACHED, `controller ${this.id || this.constructor.name} cannot schedule task ${task.name}: no engine attached`);
    }
    if (task.scheduled) {
      throw workflowError(WorkflowErrorCode.TASK_ALREADY_SCHEDULED, `task ${task.name} (${task.id}) was already scheduled; create a new task`, {
        task: task.name,
        taskId: task.id,
      });
    }
    return task;
  }

  #createEnv(): TaskRunEnv {
    const host = (): ControllerHost => this.host;
    return {
      get host(): ControllerHost {
        return host();
      },
      track: (run, clientTask) => this.#outstanding.set(clientTask.id, { run, clientTask }),
      untrack: (clientTaskId) => this.#outstanding.delete(clientTaskId),
      finished: (run) => this.#runs.delete(run),
    };
  }

  #schedule(run: TaskRun): void {
    run.task.scheduled = true;
    this.#runs.add(run);
    run.start();
  }

  #scheduleAndWait(run: TaskRun, signal: AbortSignal | undefined): Promise<TaskCompletionStatusValue> {
    this.#schedule(run);
    return run.wait(signal);
  }
}
