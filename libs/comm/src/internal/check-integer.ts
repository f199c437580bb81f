import { commError, CommErrorCode } from '../errors.js';

/** The name and inclusive bounds that {@link checkInteger} checks an option against. */
export interface IntegerRange {
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

/** Throws INVALID_OPTIONS, naming the option, unless `value` is a safe integer in [min, max]; returns it. */
export function checkInteger(value: unknown, range: IntegerRange): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < range.min || value > range.max) {
    throw commError(CommErrorCode.INVALID_OPTIONS, `${range.name} must be an integer from ${range.min} to ${range.max}, got ${String(value)}`, {
      context: { option: range.name, value },
    });
  }
  return value;
}
