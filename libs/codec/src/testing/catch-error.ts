/** What `fn` throws; throws itself when `fn` returns normally, so a test cannot pass by not throwing. */
export function catchError(fn: () => unknown): { code?: unknown; message: string; context?: Record<string, unknown> } {
  try {
    fn();
  } catch (err) {
    return err as { code?: unknown; message: string; context?: Record<string, unknown> };
  }
  throw new Error('expected the call to throw, it returned');
}

/** What the promise rejects with; throws when it resolves. */
export async function catchRejection(promise: Promise<unknown>): Promise<{ code?: unknown; message: string }> {
  try {
    await promise;
  } catch (err) {
    return err as { code?: unknown; message: string };
  }
  throw new Error('expected the promise to reject, it resolved');
}
