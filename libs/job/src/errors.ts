/**
 * Stable error codes for @hearth/job. Callers compare `err.code`; messages are for people and may change.
 */
export const JobErrorCode = {
  /** A job folder failed validation; the error's `problems` list every finding. */
  JOB_INVALID: 'HEARTH_ERR_JOB_INVALID',
  /** A status change that the job status table does not allow. */
  ILLEGAL_STATUS_TRANSITION: 'HEARTH_ERR_JOB_ILLEGAL_STATUS_TRANSITION',
  /** A string that is not one of the job statuses. */
  UNKNOWN_STATUS: 'HEARTH_ERR_JOB_UNKNOWN_STATUS',
  /** A component type that is neither registered nor a loadable custom type. */
  COMPONENT_TYPE_UNKNOWN: 'HEARTH_ERR_COMPONENT_TYPE_UNKNOWN',
  /** A component type registered twice, or a registration that is malformed. */
  COMPONENT_TYPE_INVALID: 'HEARTH_ERR_COMPONENT_TYPE_INVALID',
  /** Component args that fail the type's schema. */
  COMPONENT_ARGS_INVALID: 'HEARTH_ERR_COMPONENT_ARGS_INVALID',
  /** A reference to a component id that the app does not define. */
  COMPONENT_REF_UNKNOWN: 'HEARTH_ERR_COMPONENT_REF_UNKNOWN',
  /** Components whose references form a cycle, so none of them can be built first. */
  COMPONENT_REF_CYCLE: 'HEARTH_ERR_COMPONENT_REF_CYCLE',
  /** A component factory or constructor threw. */
  COMPONENT_BUILD_FAILED: 'HEARTH_ERR_COMPONENT_BUILD_FAILED',
  /** A built component is not what its slot needs (an executor without `execute`, a filter without `process`). */
  COMPONENT_KIND_MISMATCH: 'HEARTH_ERR_COMPONENT_KIND_MISMATCH',
  /** Custom code (`module#Export`) that cannot be loaded or does not export a class. */
  CUSTOM_CODE_INVALID: 'HEARTH_ERR_CUSTOM_CODE_INVALID',
  /** Custom code named by a job where the caller does not allow custom code. */
  CUSTOM_CODE_NOT_ALLOWED: 'HEARTH_ERR_CUSTOM_CODE_NOT_ALLOWED',
  /** A {@link JobBuilder} call with bad input. */
  JOB_BUILDER_INVALID: 'HEARTH_ERR_JOB_BUILDER_INVALID',
  /** `JobBuilder.write` into a folder that already holds files. */
  JOB_DIR_NOT_EMPTY: 'HEARTH_ERR_JOB_DIR_NOT_EMPTY',
} as const;

/** Union of every error code defined by @hearth/job. */
export type JobErrorCodeValue = (typeof JobErrorCode)[keyof typeof JobErrorCode];
