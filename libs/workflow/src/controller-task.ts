import type { ClientTask, FLContext, Shareable, Task } from '@hearth/core';

/**
 * Called for one client of a task: before it is sent (may change `clientTask.task.data`), after it is sent,
 * or when its result arrived (`clientTask.result` is set). Throwing ends the task with status `error`.
 */
export type ClientTaskCallback = (clientTask: ControllerClientTask, ctx: FLContext) => void;

/** Called once when a task ends, whatever its completion status. Errors are logged. */
export type TaskDoneCallback = (task: ControllerTask, ctx: FLContext) => void;

/**
 * A task as controllers see it: core's {@link Task} with replaceable data (a relay passes each result on
 * this way) and the error that ended it, if a callback threw.
 */
export interface ControllerTask extends Task {
  /** The data the next client gets; replace it rather than mutate the DXO already sent. */
  data: Shareable;
  /** What a callback threw, when the task ended with status `error`. */
  readonly error: Error | undefined;
  /** One entry per client the task was sent to, in sending order. */
  readonly clientTasks: ControllerClientTask[];
}

/** Core's {@link ClientTask}, pointing at its {@link ControllerTask} so callbacks can replace the task data. */
export interface ControllerClientTask extends ClientTask {
  readonly task: ControllerTask;
}
