/**
 * An executor that keeps state between tasks (optimizer moments, control variates, a local model) and can
 * hand it over. The simulator swaps clients out between tasks; it saves this state when a client goes and
 * loads it into the fresh executor when the client comes back, so state survives without keeping every
 * client's app in memory.
 */
export interface StatefulExecutor {
  /** The state to keep while the client is swapped out. */
  saveState(): unknown;
  /** Restores state saved by {@link StatefulExecutor.saveState} of an earlier instance. */
  loadState(state: unknown): void | Promise<void>;
}

/** True when `value` implements {@link StatefulExecutor}. */
export function isStatefulExecutor(value: unknown): value is StatefulExecutor {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<StatefulExecutor>;
  return typeof candidate.saveState === 'function' && typeof candidate.loadState === 'function';
}
