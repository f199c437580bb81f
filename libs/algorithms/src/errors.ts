/** Stable error codes for @hearth/algorithms. Callers compare `err.code`. */
export const AlgorithmsErrorCode = {
  /** Aggregator options that cannot work (a negative site weight, a kind that carries no tensors). */
  INVALID_OPTIONS: 'HEARTH_ERR_AGGREGATOR_INVALID_OPTIONS',
  /** `aggregate` called before any result was accepted. */
  NOTHING_TO_AGGREGATE: 'HEARTH_ERR_AGGREGATOR_EMPTY',
} as const;

/** Union of every error code defined by @hearth/algorithms. */
export type AlgorithmsErrorCodeValue = (typeof AlgorithmsErrorCode)[keyof typeof AlgorithmsErrorCode];
