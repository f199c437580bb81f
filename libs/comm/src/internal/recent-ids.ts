/**
 * Remembers the outcome of the last `capacity` ids, forgetting the oldest first, so late frames about a
 * finished transfer can be recognised without keeping every id forever.
 */
export class RecentIds<T> {
  readonly #capacity: number;
  readonly #entries = new Map<string, T>();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get(id: string): T | undefined {
    return this.#entries.get(id);
  }

  set(id: string, value: T): void {
    this.#entries.delete(id);
    this.#entries.set(id, value);
    if (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }
}
