import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
/** V8's `gc()`, taken from a fresh context once the flag is on (Jest gives no way to pass --expose-gc). */
const collectGarbage = runInNewContext('gc') as () => void;

/**
 * The process's `heapUsed` after full garbage collections, for tests that check a component leaves no
 * garbage behind: compare it before and after a workload. Collects until the figure settles (weak
 * callbacks and finalizers can free more on a second pass).
 */
export function heapAfterGc(): number {
  let previous = Number.POSITIVE_INFINITY;
  let current = process.memoryUsage().heapUsed;
  for (let pass = 0; pass < 5 && current < previous; pass += 1) {
    collectGarbage();
    previous = current;
    current = process.memoryUsage().heapUsed;
  }
  return current;
}
