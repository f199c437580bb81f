import { TaskCompletionStatus } from '@hearth/core';
import type { TimerHandle } from '../clock.js';
import { WorkflowErrorCode, workflowError } from '../errors.js';
import { SendOrder } from '../task-options.js';
import type { SendOptions } from '../task-options.js';
import type { ClientTaskImpl, ControllerTaskImpl } from './controller-task-impl.js';
import { TaskRun } from './task-run.js';
import type { TaskRunEnv } from './task-run.js';
import { checkNonNegative, checkSendOrder, checkTargets } from './validate-options.js';

/**
 * A send: exactly one target gets the task. Sequential order tries the targets in turn, skipping one that
 * is not available within the assignment timeout; once all were skipped (or with order `any`) the first
 * target available gets it. The task ends ok with that target's result, `client_dead` if it dies first.
 */
export class SendRun extends TaskRun {
  readonly #targets: readonly string[];
  readonly #targetSet: ReadonlySet<string>;
  readonly #assignMs: number;
  #anyTarget: boolean;
  #index = 0;
  #assignTimer: TimerHandle | undefined;
  #holder: ClientTaskImpl | undefined;

  constructor(task: ControllerTaskImpl, env: TaskRunEnv, options: SendOptions) {
    super(task, env);
    const what = `send of task ${task.name}`;
    this.#targets = checkTargets(options.targets, what);
    if (this.#targets.length === 0) {
      throw workflowError(WorkflowErrorCode.INVALID_OPTIONS, `${what}: needs at least one target`);
    }
    this.#targetSet = new Set(this.#targets);
    this.#anyTarget = checkSendOrder(options.sendOrder ?? SendOrder.SEQUENTIAL, what) === SendOrder.ANY;
    this.#assignMs = checkNonNegative(options.taskAssignmentTimeoutMs ?? 0, { name: 'taskAssignmentTimeoutMs', what });
  }

  override clientJoined(client: string): void {
    if (this.done || this.#holder !== undefined) return;
    const eligible = this.#anyTarget ? this.#targetSet.has(client) : this.#targets[this.#index] === client;
    if (eligible) this.#assign(client);
  }

  protected override begin(): void {
    this.#tryAssign();
  }

  protected override afterResult(): void {
    this.complete(TaskCompletionStatus.OK);
  }

  protected override holderDied(): void {
    this.complete(TaskCompletionStatus.CLIENT_DEAD);
  }

  #tryAssign(): void {
    const { host } = this.env;
    if (this.#anyTarget) {
      const available = this.#targets.find((target) => host.isClientAvailable(target));
      if (available !== undefined) this.#assign(available);
      return;
    }
    const target = this.#targets[this.#index];
    if (target === undefined) return;
    if (host.isClientAvailable(target)) {
      this.#assign(target);
    } else if (this.#assignMs > 0) {
      this.#assignTimer = this.setTimer(() => this.#skip(), this.#assignMs);
    }
  }

  #skip(): void {
    this.#index += 1;
    if (this.#index >= this.#targets.length) this.#anyTarget = true;
    this.#tryAssign();
  }

  #assign(client: string): void {
    this.#assignTimer?.cancel();
    this.#holder = this.dispatch(client);
  }
}
