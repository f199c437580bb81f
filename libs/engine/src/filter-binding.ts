import type { Filter } from '@hearth/core';

/**
 * Filters that apply to some tasks. Chains are built per task name by concatenating, in binding order, the
 * filters of every binding whose `tasks` names it (or is `'*'`).
 */
export interface FilterBinding {
  /** Task names the filters apply to, or `'*'` for every task. */
  readonly tasks: readonly string[] | '*';
  /** Filters, run in this order. */
  readonly filters: readonly Filter[];
}
