import { TaskCompletionStatus } from '@hearth/core';
import type { TimerHandle } from '../clock.js';
import { WorkflowErrorCode, workflowError } from '../errors.js';
import { SendOrder } from '../task-options.js';
import type { RelayOptions } from '../task-options.js';
import type { ClientTaskImpl, ControllerTaskImpl } from './controller-task-impl.js';
import { TaskRun } from './task-run.js';
import type { TaskRunEnv } from './task-run.js';
import { checkNonNegative, checkSendOrder, checkTargets } from './validate-options.js';

/**
 * A relay: the same task visits the targets one after another. Each result runs `resultReceived` before
 * the next target gets the task, so the callback can replace `task.data` with what the next one starts
 * from. A target that is not available within the assignment timeout, or does not answer within the
 * result timeout, is skipped. The relay ends ok after the last target when at least one answered
 * (`timeout` when none did) and `client_dead` when the current holder dies.
 */
export class RelayRun extends TaskRun {
  readonly #targets: string[];
  readonly #targetSet: Set<string>;
  readonly #anyOrder: boolean;
  readonly #assignMs: number;
  readonly #resultMs: number;
  readonly #dynamic: boolean;
  readonly #visited = new Set<string>();
  #index = 0;
  #answered = 0;
  #current: ClientTaskImpl | undefined;
  #assignTimer: TimerHandle | undefined;
  #resultTimer: TimerHandle | undefined;

  constructor(task: ControllerTaskImpl, env: TaskRunEnv, options: RelayOptions) {
    super(task, env);
    const what = `relay of task ${task.name}`;
    this.#dynamic = options.dynamicTargets ?? true;
    this.#targets = options.targets === undefined ? [...env.host.clients()] : checkTargets(options.targets, what);
    if (this.#targets.length === 0 && !this.#dynamic) {
      throw workflowError(WorkflowErrorCode.INVALID_OPTIONS, `${what}: no targets and dynamicTargets is false, so nobody can get the task`);
    }
    this.#targetSet = new Set(this.#targets);
    this.#anyOrder = checkSendOrder(options.sendOrder ?? SendOrder.SEQUENTIAL, what) === SendOrder.ANY;
    this.#assignMs = checkNonNegative(options.taskAssignmentTimeoutMs ?? 0, { name: 'taskAssignmentTimeoutMs', what });
    this.#resultMs = checkNonNegative(options.taskResultTimeoutMs ?? 0, { name: 'taskResultTimeoutMs', what });
  }

  override clientJoined(client: string): void {
    if (this.done) return;
    if (this.#dynamic && !this.#targetSet.has(client)) {
      this.#targets.push(client);
      this.#targetSet.add(client);
    }
    if (this.#current !== undefined) return;
    const eligible = this.#anyOrder
      ? this.#targetSet.has(client) && !this.#visited.has(client)
      : this.#targets[this.#index] === client;
    if (eligible) this.#assign(client);
  }

  protected override begin(): void {
    this.#next();
  }

  protected override afterResult(): void {
    this.#resultTimer?.cancel();
    this.#current = undefined;
    this.#answered += 1;
    this.#index += 1;
    this.#next();
  }

  protected override holderDied(): void {
    this.complete(TaskCompletionStatus.CLIENT_DEAD);
  }

  #next(): void {
    if (this.#targets.length === 0) return;
    const { host } = this.env;
    if (this.#anyOrder) {
      const remaining = this.#targets.filter((target) => !this.#visited.has(target));
      if (remaining.length === 0) return this.#finish();
      const available = remaining.find((target) => host.isClientAvailable(target));
      if (available !== undefined) return this.#assign(available);
      if (this.#assignMs > 0) this.#assignTimer = this.setTimer(() => this.#finish(), this.#assignMs);
      return;
    }
    const target = this.#targets[this.#index];
    if (target === undefined) return this.#finish();
    if (host.isClientAvailable(target)) return this.#assign(target);
    if (this.#assignMs > 0) {
      this.#assignTimer = this.setTimer(() => {
        this.#index += 1;
        this.#next();
      }, this.#assignMs);
    }
  }

  #assign(client: string): void {
    this.#assignTimer?.cancel();
    this.#visited.add(client);
    const clientTask = this.dispatch(client);
    if (clientTask === undefined) return;
    this.#current = clientTask;
    if (this.#resultMs > 0) {
      this.#resultTimer = this.setTimer(() => {
        this.abandon(clientTask);
        this.#current = undefined;
        this.#index += 1;
        this.#next();
      }, this.#resultMs);
    }
  }

  #finish(): void {
    this.complete(this.#answered > 0 ? TaskCompletionStatus.OK : TaskCompletionStatus.TIMEOUT);
  }
}
