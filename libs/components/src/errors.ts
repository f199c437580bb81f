/** Stable error codes for @hearth/components. */
export const ComponentsErrorCode = {
  MODEL_INIT_INVALID: 'HEARTH_ERR_MODEL_INIT_INVALID',
  MODEL_LOAD_FAILED: 'HEARTH_ERR_MODEL_LOAD_FAILED',
  MODEL_NAME_INVALID: 'HEARTH_ERR_MODEL_NAME_INVALID',
} as const;
