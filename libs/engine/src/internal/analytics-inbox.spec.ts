import { silentLogger } from '@hearth/core';
import type { Logger } from '@hearth/core';
import type { AnalyticsBatch } from '../analytics-batch.js';
import { AnalyticsInbox } from './analytics-inbox.js';

function batch(site: string, round: number, points = 2): AnalyticsBatch {
  return { site, round, dropped: 0, points: Array.from({ length: points }, (_, i) => ({ key: 'loss', value: i, step: i, round, time: 0 })) };
}

/** A deliver function that holds every delivery until `release` is called, recording the order. */
function gatedDelivery() {
  const delivered: string[] = [];
  let open: () => void = () => undefined;
  let gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const deliver = async (b: AnalyticsBatch): Promise<void> => {
    await gate;
    delivered.push(`${b.site}:${String(b.round)}`);
  };
  const release = (): void => {
    open();
    gate = Promise.resolve();
  };
  return { delivered, deliver, release };
}

describe('AnalyticsInbox', () => {
  it('delivers every batch once, one at a time, in arrival order', async () => {
    let running = 0;
    let most = 0;
    const delivered: number[] = [];
    const inbox = new AnalyticsInbox({
      capacity: 100,
      logger: silentLogger(),
      deliver: async (b) => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setImmediate(resolve));
        delivered.push(b.round as number);
        running -= 1;
      },
    });
    for (let round = 0; round < 20; round++) inbox.push(batch('site-1', round));
    await inbox.drained();
    expect(delivered).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(most).toBe(1);
    expect(inbox.droppedPoints).toBe(0);
  });

  it('keeps at most `capacity` batches waiting, dropping the oldest and saying so', async () => {
    const { delivered, deliver, release } = gatedDelivery();
    const warnings: unknown[] = [];
    const logger = { ...silentLogger(), warn: (obj: unknown) => warnings.push(obj) } as unknown as Logger;
    const inbox = new AnalyticsInbox({ capacity: 3, deliver, logger });
    for (let round = 0; round < 8; round++) inbox.push(batch('site-1', round, 5));
    release();
    await inbox.drained();
    // Round 0 was already being delivered; of the 7 that waited, the 3 newest stay.
    expect(delivered).toEqual(['site-1:0', 'site-1:5', 'site-1:6', 'site-1:7']);
    expect(inbox.droppedPoints).toBe(4 * 5);
    expect(warnings).toHaveLength(4);
    expect(warnings[0]).toMatchObject({ client: 'site-1', round: 1, points: 5 });
  });

  it('goes on after a delivery fails, and drains again after being empty', async () => {
    const delivered: number[] = [];
    const inbox = new AnalyticsInbox({
      capacity: 10,
      logger: silentLogger(),
      deliver: async (b) => {
        if (b.round === 1) throw new Error('listener broke');
        delivered.push(b.round as number);
      },
    });
    inbox.push(batch('a', 0));
    inbox.push(batch('a', 1));
    inbox.push(batch('a', 2));
    await inbox.drained();
    inbox.push(batch('a', 3));
    await inbox.drained();
    expect(delivered).toEqual([0, 2, 3]);
  });
});
