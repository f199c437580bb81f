/** Stable error codes for @hearth/filters. Callers compare `err.code`. */
export const FiltersErrorCode = {
  /** Filter options that are missing or of the wrong shape. */
  INVALID_ARGS: 'HEARTH_ERR_FILTER_INVALID_ARGS',
  /** A pattern written `/.../flags` that is not a usable regular expression. */
  INVALID_PATTERN: 'HEARTH_ERR_FILTER_INVALID_PATTERN',
} as const;

/** Union of every error code defined by @hearth/filters. */
export type FiltersErrorCodeValue = (typeof FiltersErrorCode)[keyof typeof FiltersErrorCode];
