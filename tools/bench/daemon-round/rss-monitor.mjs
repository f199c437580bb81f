// Peak resident memory of a daemon's job processes, read from /proc while they run: every `intervalMs` the
// monitor finds the daemons' children and keeps each one's VmHWM (the kernel's own high-water mark of its
// resident set, so a peak between two samples is not missed; only growth in a process's last interval is).
import { readdirSync, readFileSync } from 'node:fs';

function parentOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

function highWaterBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
  return kib === undefined ? undefined : Number(kib) * 1024;
}

/** Watches the children of `daemons` (label → pid); `stop()` returns label → peak bytes of its job processes. */
export function watchJobProcesses(daemons, intervalMs = 200) {
  const peaks = new Map();
  const labels = new Map([...Object.entries(daemons)].map(([label, pid]) => [pid, label]));
  const sample = () => {
    for (const entry of readdirSync('/proc')) {
      const pid = Number(entry);
      if (!Number.isSafeInteger(pid)) continue;
      try {
        const label = labels.get(parentOf(pid));
        if (label === undefined) continue;
        const bytes = highWaterBytes(pid);
        if (bytes !== undefined) peaks.set(label, Math.max(peaks.get(label) ?? 0, bytes));
      } catch {
        // the process ended while it was read
      }
    }
  };
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return Object.fromEntries(peaks);
    },
  };
}
