import { Prefault } from './prefault.js';

const MiB = 1024 * 1024;

describe('Prefault', () => {
  it('holds a writer back until its range is faulted in, then lets it write without waiting', async () => {
    const buffers = [new Uint8Array(9 * MiB), new Uint8Array(3 * MiB)];
    buffers.forEach((buffer) => buffer.fill(0xaa));
    const prefault = new Prefault(buffers);
    const pending = prefault.ready(12 * MiB);
    expect(pending).toBeInstanceOf(Promise);
    await pending;
    // Everything was written over with zeros by the threadpool, front to back, across both buffers.
    expect(buffers.every((buffer) => buffer.every((byte) => byte === 0))).toBe(true);
    expect(prefault.ready(12 * MiB)).toBeUndefined();
    expect(prefault.ready(1)).toBeUndefined();
  });

  it('never writes zeros over a range the writer was told is ready', async () => {
    const buffer = new Uint8Array(16 * MiB);
    const prefault = new Prefault([buffer]);
    // The writer fills the buffer in order, 1 MiB at a time, each range only once Prefault says it is ready.
    for (let at = 0; at < buffer.byteLength; at += MiB) {
      await prefault.ready(at + MiB);
      buffer.fill((at / MiB) % 250 + 1, at, at + MiB);
    }
    await prefault.ready(buffer.byteLength);
    for (let at = 0; at < buffer.byteLength; at += MiB) expect(buffer.subarray(at, at + MiB).every((byte) => byte === (at / MiB) % 250 + 1)).toBe(true);
  });

  it('faults in nothing before the first request, and never more than its lead beyond the furthest one', async () => {
    const buffer = new Uint8Array(64 * MiB).fill(0xaa);
    const prefault = new Prefault([buffer], { leadBytes: 8 * MiB });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(prefault.faultedBytes).toBe(0);
    await prefault.ready(MiB);
    // Give the threadpool time to run ahead as far as it may: 9 MiB, the request and the lead.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(prefault.faultedBytes).toBeLessThanOrEqual(9 * MiB);
    expect(buffer.subarray(9 * MiB).every((byte) => byte === 0xaa)).toBe(true);
    await prefault.ready(64 * MiB);
    expect(prefault.faultedBytes).toBe(64 * MiB);
  });

  it('releases a waiting writer when stopped, and every range is ready from then on', async () => {
    const prefault = new Prefault([new Uint8Array(64 * MiB)]);
    const pending = prefault.ready(64 * MiB);
    prefault.stop();
    await expect(pending).resolves.toBeUndefined();
    expect(prefault.ready(64 * MiB)).toBeUndefined();
  });

  it('is done at once with nothing to fault in', () => {
    const prefault = new Prefault([new Uint8Array(0)]);
    expect(prefault.ready(0)).toBeUndefined();
  });
});
