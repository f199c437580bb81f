/** A first-in first-out queue with O(1) push and shift (an array with a moving head, compacted now and then). */
export class FifoQueue<T> {
  #items: Array<T | undefined> = [];
  #head = 0;

  /** Number of queued items. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  /** The oldest item, removed; undefined when empty. */
  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head] as T;
    this.#items[this.#head] = undefined;
    this.#head += 1;
    if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Removes every item. */
  clear(): void {
    this.#items = [];
    this.#head = 0;
  }
}
