import { HearthError } from '@hearth/core';

/**
 * Stable error codes for @hearth/workflow. Callers compare `err.code`; the messages say what was wrong
 * and the `context` fields carry the offending values.
 */
export const WorkflowErrorCode = {
  /** A task definition is malformed (empty name, negative timeout, foreign Task object). */
  INVALID_TASK: 'HEARTH_ERR_WORKFLOW_INVALID_TASK',
  /** broadcast/send/relay options are malformed (duplicate targets, minResponses above the target count, ...). */
  INVALID_OPTIONS: 'HEARTH_ERR_WORKFLOW_INVALID_OPTIONS',
  /** A task was scheduled twice; create a new task for every broadcast, send or relay. */
  TASK_ALREADY_SCHEDULED: 'HEARTH_ERR_WORKFLOW_TASK_ALREADY_SCHEDULED',
  /** A controller scheduled a task before an engine attached itself as the host. */
  NOT_ATTACHED: 'HEARTH_ERR_WORKFLOW_NOT_ATTACHED',
  /** Workflow arguments (rounds, client counts, ids) are out of range. */
  INVALID_ARGS: 'HEARTH_ERR_WORKFLOW_INVALID_ARGS',
  /** A component the workflow references by id does not exist. */
  COMPONENT_MISSING: 'HEARTH_ERR_WORKFLOW_COMPONENT_MISSING',
  /** A component referenced by id exists but is not of the expected kind. */
  COMPONENT_TYPE: 'HEARTH_ERR_WORKFLOW_COMPONENT_TYPE',
  /** A model or aggregate cannot be used (wrong DXO kind, mismatched tensor names, dtypes or shapes). */
  INVALID_MODEL: 'HEARTH_ERR_WORKFLOW_INVALID_MODEL',
  /** A client returned an error result and the workflow does not ignore result errors. */
  RESULT_ERROR: 'HEARTH_ERR_WORKFLOW_RESULT_ERROR',
  /** A round ended without a single accepted contribution. */
  NO_CONTRIBUTIONS: 'HEARTH_ERR_WORKFLOW_NO_CONTRIBUTIONS',
  /** A workflow needs clients and none is connected. */
  NO_CLIENTS: 'HEARTH_ERR_WORKFLOW_NO_CLIENTS',
  /** A task the workflow depends on ended with a status other than ok. */
  TASK_FAILED: 'HEARTH_ERR_WORKFLOW_TASK_FAILED',
} as const;

/** Union of every error code defined by @hearth/workflow. */
export type WorkflowErrorCodeValue = (typeof WorkflowErrorCode)[keyof typeof WorkflowErrorCode];

/** Builds a {@link HearthError} with a workflow code and the context fields that say what was wrong. */
export function workflowError(
  code: WorkflowErrorCodeValue,
  message: string,
  context: Readonly<Record<string, unknown>> = {},
): HearthError {
  return new HearthError(code, message, { context });
}
