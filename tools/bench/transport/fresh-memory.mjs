// What this machine charges for memory a process touches for the first time: writes 512 MiB into a new
// buffer twice and prints one JSON line with both times. Started like the benchmark's server and clients
// (same Node flags and malloc tunables), because a receiver must put every byte it receives into fresh memory,
// so this cost is part of every transfer. On a VM whose balloon reports free pages to the host
// (virtio_balloon with free page reporting), the first write also waits for the host to back each page again.
// Usage: node fresh-memory.mjs
import { performance } from 'node:perf_hooks';

const BYTES = 512 * 2 ** 20;
const GiB = 2 ** 30;

const buffer = new Uint8Array(BYTES);
const first = performance.now();
buffer.fill(1);
const firstMs = performance.now() - first;
const again = performance.now();
buffer.fill(2);
const againMs = performance.now() - again;
process.stdout.write(`${JSON.stringify({ bytes: BYTES, firstTouchSecondsPerGiB: firstMs / 1000 / (BYTES / GiB), rewriteSecondsPerGiB: againMs / 1000 / (BYTES / GiB) })}\n`);
