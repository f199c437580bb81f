import { Shareable } from '@hearth/core';
import type { Filter, FLContext } from '@hearth/core';
import { EngineErrorCode, engineError } from '../errors.js';
import type { FilterBinding } from '../filter-binding.js';

function isFilter(value: unknown): value is Filter {
  return typeof value === 'object' && value !== null && typeof (value as Filter).process === 'function';
}

/** Checks bindings at app load, so a bad config fails before the first task rather than during it. */
function checkBindings(bindings: readonly FilterBinding[], what: string): void {
  if (!Array.isArray(bindings)) throw engineError(EngineErrorCode.INVALID_APP, `${what} filters must be an array of bindings`);
  bindings.forEach((binding, index) => {
    const tasks: unknown = binding.tasks;
    const tasksOk = tasks === '*' || (Array.isArray(tasks) && tasks.every((t) => typeof t === 'string' && t.length > 0));
    if (!tasksOk) {
      throw engineError(EngineErrorCode.INVALID_APP, `${what} filter binding ${index}: tasks must be '*' or a list of task names`, { index });
    }
    if (!Array.isArray(binding.filters) || !binding.filters.every(isFilter)) {
      throw engineError(EngineErrorCode.INVALID_APP, `${what} filter binding ${index}: every filter needs a process() method`, { index });
    }
  });
}

/**
 * The filter chains of one direction (task data or task results), resolved per task name once and cached,
 * so a task costs a map lookup, not a scan of the bindings.
 */
export class FilterChains {
  readonly #bindings: readonly FilterBinding[];
  readonly #cache = new Map<string, readonly Filter[]>();

  constructor(bindings: readonly FilterBinding[], what: string) {
    checkBindings(bindings, what);
    this.#bindings = bindings;
  }

  /** The filters for `taskName`, in binding order. */
  chainFor(taskName: string): readonly Filter[] {
    let chain = this.#cache.get(taskName);
    if (chain === undefined) {
      chain = this.#bindings.filter((b) => b.tasks === '*' || b.tasks.includes(taskName)).flatMap((b) => b.filters);
      this.#cache.set(taskName, chain);
    }
    return chain;
  }
}

/** Runs `filters` in order over `data`; throws what a filter throws, or a coded error for a non-Shareable result. */
export async function runFilterChain(filters: readonly Filter[], data: Shareable, ctx: FLContext): Promise<Shareable> {
  let current = data;
  for (const filter of filters) {
    const next: unknown = await filter.process(current, ctx);
    if (!(next instanceof Shareable)) {
      throw engineError(EngineErrorCode.FILTER_RESULT_INVALID, `filter ${filter.id || filter.constructor.name} returned ${typeof next}, not a Shareable`, {
        filter: filter.id,
      });
    }
    current = next;
  }
  return current;
}
