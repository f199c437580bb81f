/**
 * Process-wide results computed once per key (datasets, partitions, compiled programs): the first caller
 * starts the work, later callers share its promise. A failed computation is forgotten so a later call can
 * retry it.
 */
export class AsyncMemo<V> {
  readonly #entries = new Map<string, Promise<V>>();

  /** The value for `key`, computing it with `create` the first time. */
  get(key: string, create: () => Promise<V>): Promise<V> {
    const known = this.#entries.get(key);
    if (known !== undefined) return known;
    const pending = create();
    this.#entries.set(key, pending);
    pending.catch(() => {
      if (this.#entries.get(key) === pending) this.#entries.delete(key);
    });
    return pending;
  }

  /** Forgets every value. */
  clear(): void {
    this.#entries.clear();
  }
}
