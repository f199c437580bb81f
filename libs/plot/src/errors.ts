/**
 * Stable error codes for @hearth/plot. Callers compare `err.code`; messages name the file (and line) that
 * is wrong and say what is wrong with it.
 */
export const PlotErrorCode = {
  /** The workspace has no `metrics.json` (the run never finished, or the path is not a workspace). */
  METRICS_NOT_FOUND: 'HEARTH_ERR_PLOT_METRICS_NOT_FOUND',
  /** `metrics.json` is not JSON, or not the shape `hearth simulate` writes. */
  METRICS_INVALID: 'HEARTH_ERR_PLOT_METRICS_INVALID',
  /** A line of a `<site>.jsonl` stream is not JSON, or not a metrics line. */
  STREAM_INVALID: 'HEARTH_ERR_PLOT_STREAM_INVALID',
  /** An output format other than SVG was asked for. */
  FORMAT_UNSUPPORTED: 'HEARTH_ERR_PLOT_FORMAT_UNSUPPORTED',
  /** A file could not be read or a plot could not be written. */
  IO_FAILED: 'HEARTH_ERR_PLOT_IO_FAILED',
} as const;

/** Union of every error code defined by @hearth/plot. */
export type PlotErrorCodeValue = (typeof PlotErrorCode)[keyof typeof PlotErrorCode];
