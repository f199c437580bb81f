/** Stable error codes for @hearth/algorithms. Callers compare `err.code`. */
export const AlgorithmsErrorCode = {
  /** Aggregator options that cannot work (a negative site weight, a kind that carries no tensors). */
  INVALID_OPTIONS: 'HEARTH_ERR_AGGREGATOR_INVALID_OPTIONS',
  /** `aggregate` called before any result was accepted. */
  NOTHING_TO_AGGREGATE: 'HEARTH_ERR_AGGREGATOR_EMPTY',
  /** A result's tensors could not be read while being added (a spooled file went missing or short). */
  RESULT_UNREADABLE: 'HEARTH_ERR_AGGREGATOR_RESULT_UNREADABLE',
  /** Server optimizer options that cannot work (unknown optimizer, a decay outside [0, 1), a negative rate). */
  OPTIMIZER_INVALID_OPTIONS: 'HEARTH_ERR_OPTIMIZER_INVALID_OPTIONS',
  /** An update, aggregate or control variate does not fit the model (unknown name, other shape or dtype, wrong kind). */
  MODEL_MISMATCH: 'HEARTH_ERR_ALGORITHMS_MODEL_MISMATCH',
  /** Saved state handed back to a component does not fit it (unknown entry, wrong dtype or shape). */
  INVALID_STATE: 'HEARTH_ERR_ALGORITHMS_INVALID_STATE',
  /** A call out of order or with an impossible argument (a round closed over fewer clients than contributed). */
  INVALID_ARGUMENT: 'HEARTH_ERR_ALGORITHMS_INVALID_ARGUMENT',
} as const;

/** Union of every error code defined by @hearth/algorithms. */
export type AlgorithmsErrorCodeValue = (typeof AlgorithmsErrorCode)[keyof typeof AlgorithmsErrorCode];
