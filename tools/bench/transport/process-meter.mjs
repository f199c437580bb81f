// What a phase of a benchmark process cost it: CPU time (all threads), time the main thread waited,
// runnable, for a CPU (the share other programs took), and the garbage collections that ran.
import { readFileSync } from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';

const gc = { major: 0, minor: 0, ms: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) gc.major += 1;
    else gc.minor += 1;
    gc.ms += entry.duration;
  }
}).observe({ entryTypes: ['gc'] });

/** Milliseconds the main thread has spent runnable but not running since it started; 0 where Linux does not say. */
function runQueueWaitMs() {
  try {
    const [, waitNs] = readFileSync('/proc/thread-self/schedstat', 'utf8').trim().split(/\s+/).map(Number);
    return waitNs / 1e6;
  } catch {
    return 0;
  }
}

function reading() {
  const cpu = process.cpuUsage();
  return { cpuMs: (cpu.user + cpu.system) / 1000, waitMs: runQueueWaitMs(), ...gc };
}

/** Starts measuring a phase; the returned function ends it and gives what the phase cost. */
export function startPhase() {
  const from = reading();
  return () => {
    const to = reading();
    return {
      cpuMs: to.cpuMs - from.cpuMs,
      cpuWaitMs: to.waitMs - from.waitMs,
      majorGcs: to.major - from.major,
      minorGcs: to.minor - from.minor,
      gcMs: to.ms - from.ms,
    };
  };
}
