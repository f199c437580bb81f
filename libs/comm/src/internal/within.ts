/**
 * Waits for `promise` at most `ms` milliseconds; true when it settled in time. The timer is cleared
 * either way, so nothing is left running. Used for graceful closes that must not hang on a dead peer.
 */
export async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true, () => true), expired]);
  } finally {
    clearTimeout(timer);
  }
}
