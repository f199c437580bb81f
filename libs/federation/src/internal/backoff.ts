/** Options for {@link Backoff}. */
export interface BackoffOptions {
  /** Delay before the first retry, in milliseconds. @default 250 */
  readonly initialDelayMs?: number;
  /** Largest delay, in milliseconds. @default 30000 */
  readonly maxDelayMs?: number;
  /** Source of randomness in [0, 1). @default Math.random */
  readonly random?: () => number;
}

/**
 * Exponential backoff with "equal jitter": attempt n waits between half and all of
 * min(max, initial × 2^n), so a fleet of clients that lost the server at once does not come back at once.
 */
export class Backoff {
  readonly #initial: number;
  readonly #max: number;
  readonly #random: () => number;
  #attempt = 0;

  constructor(options: BackoffOptions = {}) {
    this.#initial = options.initialDelayMs ?? 250;
    this.#max = options.maxDelayMs ?? 30_000;
    this.#random = options.random ?? Math.random;
  }

  /** The delay before the next attempt; each call doubles the ceiling up to the maximum. */
  next(): number {
    const ceiling = Math.min(this.#max, this.#initial * 2 ** Math.min(this.#attempt, 30));
    this.#attempt += 1;
    return Math.round(ceiling / 2 + (this.#random() * ceiling) / 2);
  }

  /** Starts over after a success. */
  reset(): void {
    this.#attempt = 0;
  }
}
