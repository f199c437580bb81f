import { HearthError } from '@hearth/core';
import type { HearthErrorOptions } from '@hearth/core';

/**
 * Stable error codes for @hearth/data. Readers and partitioners throw one of these for every kind of bad
 * input, with a message that names the file (and line, for CSV) and `context` fields that say the same.
 */
export const DataErrorCode = {
  /** An option or argument is out of range or inconsistent (batch size, alpha, seed, shape). */
  INVALID_ARGUMENT: 'HEARTH_ERR_DATA_INVALID_ARGUMENT',
  /** A file could not be read or written; `cause` holds the system error. */
  IO: 'HEARTH_ERR_DATA_IO',
  /** A file starts like gzip but does not inflate (corrupt or truncated gzip stream). */
  BAD_GZIP: 'HEARTH_ERR_DATA_BAD_GZIP',
  /** An IDX file does not start with two zero bytes, or is too short to hold its header. */
  IDX_BAD_MAGIC: 'HEARTH_ERR_DATA_IDX_BAD_MAGIC',
  /** An IDX file's element-type code is not one the format defines. */
  IDX_BAD_DTYPE: 'HEARTH_ERR_DATA_IDX_BAD_DTYPE',
  /** An IDX file's dimensions do not match its length (truncated, trailing bytes, zero dimensions). */
  IDX_SIZE_MISMATCH: 'HEARTH_ERR_DATA_IDX_SIZE_MISMATCH',
  /** CSV text is malformed: unterminated quote, stray quote, wrong field count, duplicate header. */
  CSV_SYNTAX: 'HEARTH_ERR_DATA_CSV_SYNTAX',
  /** A CSV column that must be numeric (or an integer label) holds something else. */
  CSV_NOT_NUMERIC: 'HEARTH_ERR_DATA_CSV_NOT_NUMERIC',
  /** A CSV column named in the options is missing from the header row. */
  CSV_MISSING_COLUMN: 'HEARTH_ERR_DATA_CSV_MISSING_COLUMN',
  /** Two arrays that describe one dataset disagree (row counts, feature counts, label range). */
  DATASET_MISMATCH: 'HEARTH_ERR_DATA_DATASET_MISMATCH',
  /** A named dataset's files were found nowhere it looked. */
  DATASET_NOT_FOUND: 'HEARTH_ERR_DATA_DATASET_NOT_FOUND',
  /** A partition cannot meet its constraints (too few samples for the clients and minimum size). */
  PARTITION_INFEASIBLE: 'HEARTH_ERR_DATA_PARTITION_INFEASIBLE',
} as const;

/** Union of every error code defined by @hearth/data. */
export type DataErrorCodeValue = (typeof DataErrorCode)[keyof typeof DataErrorCode];

const DATA_CODES: ReadonlySet<string> = new Set(Object.values(DataErrorCode));

/** True when `err` is a Hearth error carrying one of this lib's codes; works across package copies. */
export function isDataError(err: unknown): err is HearthError {
  if (typeof err !== 'object' || err === null) return false;
  const candidate = err as { name?: unknown; code?: unknown };
  return candidate.name === 'HearthError' && typeof candidate.code === 'string' && DATA_CODES.has(candidate.code);
}

/** Builds a data error; `options.context` names what was wrong (file, line, column, option). */
export function dataError(code: DataErrorCodeValue, message: string, options: HearthErrorOptions = {}): HearthError {
  return new HearthError(code, message, options);
}
