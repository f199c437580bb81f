/** A scheduled callback that can be cancelled; cancelling twice, or after it ran, does nothing. */
export interface TimerHandle {
  cancel(): void;
}

/**
 * Time source for controllers and engines. Everything that waits (task timeouts, wait-after-minimum,
 * assignment timeouts) goes through it, so tests drive time with Jest fake timers or a manual clock.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `callback` once after `delayMs` milliseconds. */
  setTimer(callback: () => void, delayMs: number): TimerHandle;
}

/**
 * The real clock: `Date.now` and `setTimeout`, looked up at call time so Jest fake timers installed after
 * import still take effect.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(callback: () => void, delayMs: number): TimerHandle {
    const timer = setTimeout(callback, delayMs);
    return { cancel: () => clearTimeout(timer) };
  },
};
