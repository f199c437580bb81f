import { randomUUID } from 'node:crypto';
import type { JsonValue, Shareable, TaskCompletionStatusValue } from '@hearth/core';
import type { ClientTaskCallback, ControllerClientTask, ControllerTask, TaskDoneCallback } from '../controller-task.js';

/** The callbacks of a task, as given to createTask. */
export interface TaskCallbacks {
  readonly beforeTaskSent: ClientTaskCallback | undefined;
  readonly afterTaskSent: ClientTaskCallback | undefined;
  readonly resultReceived: ClientTaskCallback | undefined;
  readonly taskDone: TaskDoneCallback | undefined;
}

/** Fields createTask has already validated. */
export interface ControllerTaskFields {
  readonly name: string;
  readonly data: Shareable;
  readonly props: Map<string, unknown>;
  readonly timeoutMs: number;
  readonly callbacks: TaskCallbacks;
}

/** The task object behind {@link ControllerTask}; only the controller reaches its bookkeeping. */
export class ControllerTaskImpl implements ControllerTask {
  readonly name: string;
  readonly id = randomUUID();
  data: Shareable;
  readonly props: Map<string, unknown>;
  readonly timeoutMs: number;
  completionStatus: TaskCompletionStatusValue | undefined = undefined;
  readonly clientTasks: ClientTaskImpl[] = [];
  error: Error | undefined = undefined;
  scheduled = false;
  readonly callbacks: TaskCallbacks;

  constructor(fields: ControllerTaskFields) {
    this.name = fields.name;
    this.data = fields.data;
    this.props = fields.props;
    this.timeoutMs = fields.timeoutMs;
    this.callbacks = fields.callbacks;
  }
}

/** The state of a task with respect to one client. */
export class ClientTaskImpl implements ControllerClientTask {
  readonly client: string;
  readonly task: ControllerTaskImpl;
  readonly id: string;
  sentAt: number | undefined = undefined;
  resultReceivedAt: number | undefined = undefined;
  result: Shareable | undefined = undefined;
  readonly props = new Map<string, JsonValue>();

  constructor(task: ControllerTaskImpl, client: string) {
    this.task = task;
    this.client = client;
    this.id = `${task.id}:${client}`;
  }
}
