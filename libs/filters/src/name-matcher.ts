import { HearthError } from '@hearth/core';
import { FiltersErrorCode } from './errors.js';

const STATEFUL_FLAGS = /[gy]/;

function compile(pattern: string): RegExp {
  const close = pattern.lastIndexOf('/');
  const source = pattern.slice(1, close);
  const flags = pattern.slice(close + 1);
  if (STATEFUL_FLAGS.test(flags)) {
    throw new HearthError(
      FiltersErrorCode.INVALID_PATTERN,
      `pattern ${JSON.stringify(pattern)} uses flag g or y, which make matching depend on earlier matches`,
      { context: { pattern } },
    );
  }
  try {
    return new RegExp(source, flags);
  } catch (thrown) {
    const message = `pattern ${JSON.stringify(pattern)} is not a valid regular expression: ${(thrown as Error).message}`;
    throw new HearthError(FiltersErrorCode.INVALID_PATTERN, message, { context: { pattern }, cause: thrown });
  }
}

/**
 * Matches tensor names against a list of entries, each either an exact name or a regular expression written
 * `/pattern/flags` (searched anywhere in the name, so anchor it with `^` and `$` to match whole names).
 * Compiled once, at construction, so a bad pattern fails the job build rather than the first task.
 */
export class NameMatcher {
  readonly #exact: ReadonlySet<string>;
  readonly #patterns: readonly RegExp[];

  /** Throws `HEARTH_ERR_FILTER_INVALID_ARGS` for an empty entry, `HEARTH_ERR_FILTER_INVALID_PATTERN` for a bad pattern. */
  constructor(entries: readonly string[]) {
    const exact = new Set<string>();
    const patterns: RegExp[] = [];
    for (const entry of entries) {
      if (typeof entry !== 'string' || entry === '') {
        throw new HearthError(FiltersErrorCode.INVALID_ARGS, `a name or pattern must be a non-empty string, got ${JSON.stringify(entry)}`, {
          context: { entry },
        });
      }
      if (entry.startsWith('/') && entry.lastIndexOf('/') > 0) patterns.push(compile(entry));
      else exact.add(entry);
    }
    this.#exact = exact;
    this.#patterns = patterns;
  }

  /** True when `name` equals one of the names or matches one of the patterns. */
  matches(name: string): boolean {
    return this.#exact.has(name) || this.#patterns.some((pattern) => pattern.test(name));
  }
}
