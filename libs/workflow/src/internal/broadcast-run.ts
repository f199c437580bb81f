import { TaskCompletionStatus } from '@hearth/core';
import { WorkflowErrorCode, workflowError } from '../errors.js';
import type { BroadcastOptions } from '../task-options.js';
import type { ControllerTaskImpl } from './controller-task-impl.js';
import { TaskRun } from './task-run.js';
import type { TaskRunEnv } from './task-run.js';
import { checkNonNegative, checkTargets } from './validate-options.js';

/**
 * A broadcast: every target (or every client, for dynamic targets) gets the task. It ends ok once
 * `minResponses` results arrived and either nobody else is expected or `waitTimeAfterMinReceivedMs` passed;
 * it ends `client_dead` as soon as the results still possible fall below the minimum because holders died.
 */
export class BroadcastRun extends TaskRun {
  readonly #targets: ReadonlySet<string> | undefined;
  readonly #minResponses: number;
  readonly #waitMs: number;
  readonly #sentTo = new Set<string>();
  #responded = 0;
  #deadHolders = 0;
  #waiting = false;

  constructor(task: ControllerTaskImpl, env: TaskRunEnv, options: BroadcastOptions) {
    super(task, env);
    const what = `broadcast of task ${task.name}`;
    const targets = options.targets === undefined ? undefined : checkTargets(options.targets, what);
    if (targets !== undefined && targets.length === 0) {
      throw workflowError(WorkflowErrorCode.INVALID_OPTIONS, `${what}: targets is empty; leave it undefined to reach every client`);
    }
    this.#minResponses = checkNonNegative(options.minResponses ?? 1, { name: 'minResponses', what, integer: true });
    if (targets !== undefined && this.#minResponses > targets.length) {
      throw workflowError(
        WorkflowErrorCode.INVALID_OPTIONS,
        `${what}: minResponses ${this.#minResponses} exceeds the ${targets.length} targets`,
        { minResponses: this.#minResponses, targets: targets.length },
      );
    }
    this.#waitMs = checkNonNegative(options.waitTimeAfterMinReceivedMs ?? 0, { name: 'waitTimeAfterMinReceivedMs', what });
    this.#targets = targets === undefined ? undefined : new Set(targets);
  }

  override clientJoined(client: string): void {
    if (this.done || this.#sentTo.has(client)) return;
    if (this.#targets !== undefined && !this.#targets.has(client)) return;
    this.#send(client);
  }

  protected override begin(): void {
    const { host } = this.env;
    for (const client of this.#targets ?? host.clients()) {
      if (this.done) return;
      if (host.isClientAvailable(client)) this.#send(client);
    }
  }

  protected override afterResult(): void {
    this.#responded += 1;
    this.#check(false);
  }

  protected override holderDied(): void {
    this.#deadHolders += 1;
    this.#check(true);
  }

  #send(client: string): void {
    this.#sentTo.add(client);
    this.dispatch(client);
  }

  #check(afterDeath: boolean): void {
    const targets = this.#targets;
    const need = this.#minResponses > 0 ? this.#minResponses : (targets ?? this.#sentTo).size;
    const pending = targets === undefined ? this.outstanding.size : targets.size - this.#responded - this.#deadHolders;
    if (afterDeath && this.#responded + pending < need) {
      this.complete(TaskCompletionStatus.CLIENT_DEAD);
      return;
    }
    if (this.#responded === 0 || this.#responded < need) return;
    if (pending === 0 || this.#waitMs === 0) {
      this.complete(TaskCompletionStatus.OK);
      return;
    }
    if (this.#waiting) return;
    this.#waiting = true;
    this.setTimer(() => this.complete(TaskCompletionStatus.OK), this.#waitMs);
  }
}
