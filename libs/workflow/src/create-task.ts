import type { Shareable } from '@hearth/core';
import type { ClientTaskCallback, ControllerTask, TaskDoneCallback } from './controller-task.js';
import { WorkflowErrorCode, workflowError } from './errors.js';
import { ControllerTaskImpl } from './internal/controller-task-impl.js';

/** Options for {@link createTask}. */
export interface TaskInit {
  /** Task name; selects the executor on each client (e.g. `train`). */
  readonly name: string;
  /** The data sent to each client. */
  readonly data: Shareable;
  /** Controller-private properties. @default {} */
  readonly props?: ReadonlyMap<string, unknown> | Readonly<Record<string, unknown>>;
  /** Milliseconds after scheduling at which the task ends with status `timeout`; 0 never. @default 0 */
  readonly timeoutMs?: number;
  /** Runs before the task goes to a client. */
  readonly beforeTaskSent?: ClientTaskCallback;
  /** Runs after the task went to a client. */
  readonly afterTaskSent?: ClientTaskCallback;
  /** Runs when a client's result arrived; relays update `task.data` here for the next client. */
  readonly resultReceived?: ClientTaskCallback;
  /** Runs when the task ended. */
  readonly taskDone?: TaskDoneCallback;
}

/**
 * Creates a task for `Controller.broadcast`, `send` or `relay`. A task can be scheduled once; create a new
 * one for every round.
 */
export function createTask(init: TaskInit): ControllerTask {
  if (typeof init.name !== 'string' || init.name.length === 0) {
    throw workflowError(WorkflowErrorCode.INVALID_TASK, 'a task needs a non-empty name', { name: init.name });
  }
  const timeoutMs = init.timeoutMs ?? 0;
  if (!Number.isFinite(timeoutMs) || timeoutMs < 0) {
    throw workflowError(WorkflowErrorCode.INVALID_TASK, `task ${init.name}: timeoutMs must be a finite number >= 0, got ${timeoutMs}`, {
      name: init.name,
      timeoutMs,
    });
  }
  const props = init.props instanceof Map ? new Map(init.props) : new Map(Object.entries(init.props ?? {}));
  return new ControllerTaskImpl({
    name: init.name,
    data: init.data,
    props,
    timeoutMs,
    callbacks: {
      beforeTaskSent: init.beforeTaskSent,
      afterTaskSent: init.afterTaskSent,
      resultReceived: init.resultReceived,
      taskDone: init.taskDone,
    },
  });
}
