/**
 * A level-triggered signal between event handlers and one async loop: `wake()` before `wait()` is not
 * lost, and several wakes before the loop looks again count as one.
 */
export class Wakeup {
  #pending = false;
  #resolve: (() => void) | undefined;

  /** Resolves at the next {@link wake}, or at once if one happened since the last wait. */
  wait(): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.#resolve = resolve;
    });
  }

  /** Lets the loop run again. */
  wake(): void {
    const resolve = this.#resolve;
    this.#resolve = undefined;
    if (resolve === undefined) this.#pending = true;
    else resolve();
  }
}
