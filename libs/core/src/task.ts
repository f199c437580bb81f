import type { JsonValue } from './json.js';
import type { Shareable } from './shareable.js';

/** How a task ended. */
export const TaskCompletionStatus = {
  OK: 'ok',
  TIMEOUT: 'timeout',
  ERROR: 'error',
  CANCELLED: 'cancelled',
  ABORTED: 'aborted',
  CLIENT_DEAD: 'client_dead',
} as const;

/** One of {@link TaskCompletionStatus}. */
export type TaskCompletionStatusValue = (typeof TaskCompletionStatus)[keyof typeof TaskCompletionStatus];

/** A unit of work a controller hands to one or more clients. */
export interface Task {
  /** Task name, which selects the executor on the client (e.g. `train`). */
  readonly name: string;
  /** Unique id of this task instance. */
  readonly id: string;
  /** The task data sent to each client (filters may change it per client). */
  readonly data: Shareable;
  /** Controller-private properties. */
  readonly props: Map<string, unknown>;
  /** Milliseconds after which the task times out; 0 means never. */
  readonly timeoutMs: number;
  /** Set once the task is done. */
  completionStatus: TaskCompletionStatusValue | undefined;
  /** One entry per client the task was sent to. */
  readonly clientTasks: ClientTask[];
}

/** The state of a task with respect to one client. */
export interface ClientTask {
  /** The client's site name. */
  readonly client: string;
  /** The task. */
  readonly task: Task;
  /** Unique id of this (task, client) pair; echoed back with the result. */
  readonly id: string;
  /** When the task was handed to the client (ms since epoch), if it was. */
  sentAt: number | undefined;
  /** When the result arrived (ms since epoch), if it did. */
  resultReceivedAt: number | undefined;
  /** The result, once received. */
  result: Shareable | undefined;
  /** Free-form per-client props for the controller. */
  readonly props: Map<string, JsonValue>;
}
