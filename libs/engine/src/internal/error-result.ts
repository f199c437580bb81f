import { HeaderKey, Shareable } from '@hearth/core';
import type { ReturnCodeValue } from '@hearth/core';

/** What went wrong with a task, to report in its place. */
export interface ErrorResultInit {
  readonly rc: ReturnCodeValue;
  readonly taskName: string;
  readonly taskId: string;
  readonly error: Error;
}

/**
 * A result carrying only an error return code, the error message and the task's name and id: what an engine
 * reports when a task could not be delivered, filtered or executed.
 */
export function errorResult(init: ErrorResultInit): Shareable {
  const result = Shareable.withReturnCode(init.rc, init.error.message);
  result.headers[HeaderKey.TASK_NAME] = init.taskName;
  result.headers[HeaderKey.TASK_ID] = init.taskId;
  return result;
}
