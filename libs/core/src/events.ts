/**
 * Standard event types. They fire at the same moments NVFlare fires its events, so components ported
 * from NVFlare jobs hook in at the same places.
 */
export const EventType = {
  START_RUN: 'start_run',
  END_RUN: 'end_run',
  ABORT_TASK: 'abort_task',
  SYSTEM_START: 'system_start',
  SYSTEM_END: 'system_end',
  JOB_DEPLOYED: 'job_deployed',
  JOB_STARTED: 'job_started',
  JOB_COMPLETED: 'job_completed',
  JOB_ABORTED: 'job_aborted',
  JOB_CANCELLED: 'job_cancelled',
  CLIENT_REGISTERED: 'client_registered',
  CLIENT_CONNECTED: 'client_connected',
  CLIENT_DISCONNECTED: 'client_disconnected',
  CLIENT_SWAPPED_IN: 'client_swapped_in',
  CLIENT_SWAPPED_OUT: 'client_swapped_out',
  BEFORE_TASK_DATA_FILTER: 'before_task_data_filter',
  AFTER_TASK_DATA_FILTER: 'after_task_data_filter',
  BEFORE_TASK_RESULT_FILTER: 'before_task_result_filter',
  AFTER_TASK_RESULT_FILTER: 'after_task_result_filter',
  BEFORE_TASK_EXECUTION: 'before_task_execution',
  AFTER_TASK_EXECUTION: 'after_task_execution',
  BEFORE_SEND_TASK_RESULT: 'before_send_task_result',
  AFTER_SEND_TASK_RESULT: 'after_send_task_result',
  BEFORE_PROCESS_SUBMISSION: 'before_process_submission',
  AFTER_PROCESS_SUBMISSION: 'after_process_submission',
  BEFORE_AGGREGATION: 'before_aggregation',
  AFTER_AGGREGATION: 'after_aggregation',
  BEFORE_CONTRIBUTION_ACCEPT: 'before_contribution_accept',
  AFTER_CONTRIBUTION_ACCEPT: 'after_contribution_accept',
  ROUND_STARTED: 'round_started',
  ROUND_DONE: 'round_done',
  INITIAL_MODEL_LOADED: 'initial_model_loaded',
  GLOBAL_WEIGHTS_UPDATED: 'global_weights_updated',
  BEFORE_TRAIN: 'before_train',
  AFTER_TRAIN: 'after_train',
  TASK_RESULT_RECEIVED: 'task_result_received',
  FATAL_SYSTEM_ERROR: 'fatal_system_error',
} as const;

/** One of {@link EventType}, or a job-defined event name. */
export type EventTypeValue = (typeof EventType)[keyof typeof EventType] | (string & {});
