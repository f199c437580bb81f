/** Stable error codes for @hearth/runner. */
export const RunnerErrorCode = {
  INVALID_OPTIONS: 'HEARTH_ERR_RUNNER_INVALID_OPTIONS',
  SITE_NOT_DEPLOYED: 'HEARTH_ERR_SITE_NOT_DEPLOYED',
  NOT_A_WORKFLOW: 'HEARTH_ERR_NOT_A_WORKFLOW',
} as const;
