import { silentLogger } from '@hearth/core';
import type { AnalyticsMessage, AnalyticsRecord } from './analytics-message.js';
import { AnalyticsStream } from './analytics-stream.js';
import type { AnalyticsStreamOptions } from './analytics-stream.js';
import { EngineErrorCode } from './errors.js';
import { deferred } from './testing/toy-components.js';

const point = (step: number): AnalyticsRecord => ({ key: 'loss', value: step / 2, step, round: 0, time: 1 });
const steps = (message: AnalyticsMessage | undefined): number[] => (message?.points ?? []).map((p) => p.step);
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

/** A transport end whose sends stay pending until the test releases them. */
function heldTransport() {
  const messages: AnalyticsMessage[] = [];
  const pending: Array<() => void> = [];
  const send = (message: AnalyticsMessage): Promise<void> => {
    messages.push(message);
    const gate = deferred();
    pending.push(() => gate.resolve());
    return gate.promise;
  };
  /** Flushes `s`, releasing sends one turn at a time until the flush is done. */
  const drain = async (s: AnalyticsStream): Promise<void> => {
    let done = false;
    const flushed = s.flush().then(() => {
      done = true;
    });
    while (!done) {
      for (const release of pending.splice(0)) release();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await flushed;
  };
  return { messages, send, drain };
}

function stream(options: AnalyticsStreamOptions & { send: (m: AnalyticsMessage) => Promise<void> }): AnalyticsStream {
  return new AnalyticsStream({ flushIntervalMs: 10_000, ...options, logger: silentLogger() });
}

afterEach(() => jest.useRealTimers());

describe('AnalyticsStream', () => {
  it('sends a batch as soon as it is full and keeps one send under way', async () => {
    const wire = heldTransport();
    const s = stream({ capacity: 10, batchSize: 4, send: wire.send });
    for (let i = 0; i < 10; i++) s.push(point(i));
    expect(wire.messages.map(steps)).toEqual([[0, 1, 2, 3]]);
    expect(s.stats).toEqual({ sent: 0, dropped: 0, failed: 0, buffered: 6 });
    await wire.drain(s);
    expect(wire.messages.map(steps)).toEqual([range(0, 4), range(4, 8), range(8, 10)]);
    expect(s.stats).toEqual({ sent: 10, dropped: 0, failed: 0, buffered: 0 });
  });

  it('streams 1,000 points into a full buffer: drops the oldest, counts them and tells the server', async () => {
    const wire = heldTransport();
    const s = stream({ capacity: 100, batchSize: 50, send: wire.send });
    for (let i = 0; i < 1000; i++) s.push(point(i));
    expect(s.stats).toEqual({ sent: 0, dropped: 850, failed: 0, buffered: 100 });
    await wire.drain(s);
    expect(wire.messages.map(steps)).toEqual([range(0, 50), range(900, 950), range(950, 1000)]);
    expect(wire.messages.map((m) => m.dropped)).toEqual([0, 850, 0]);
    expect(s.stats).toEqual({ sent: 150, dropped: 850, failed: 0, buffered: 0 });
  });

  it('sends a partial batch once its oldest point has waited flushIntervalMs', () => {
    jest.useFakeTimers();
    const sent: AnalyticsMessage[] = [];
    const s = new AnalyticsStream({ capacity: 100, batchSize: 50, flushIntervalMs: 250, logger: silentLogger(), send: (m) => (sent.push(m), Promise.resolve()) });
    s.push(point(0));
    jest.advanceTimersByTime(100);
    s.push(point(1));
    jest.advanceTimersByTime(149);
    expect(sent).toHaveLength(0);
    jest.advanceTimersByTime(1);
    expect(sent.map(steps)).toEqual([[0, 1]]);
  });

  it('counts the points of a failed send and reports them as dropped in the next message', async () => {
    const sent: AnalyticsMessage[] = [];
    let fail = true;
    const s = stream({
      capacity: 10,
      batchSize: 2,
      send: (m) => {
        sent.push(m);
        if (fail) return Promise.reject(new Error('link down'));
        return Promise.resolve();
      },
    });
    s.push(point(0));
    s.push(point(1));
    await s.flush();
    expect(s.stats).toEqual({ sent: 0, dropped: 0, failed: 2, buffered: 0 });
    fail = false;
    s.push(point(2));
    await s.flush();
    expect(sent.at(-1)).toEqual({ points: [point(2)], dropped: 2 });
  });

  it('reports drops on their own when no point is left to carry them', async () => {
    const sent: AnalyticsMessage[] = [];
    let calls = 0;
    const s = stream({ capacity: 4, batchSize: 4, send: (m) => (sent.push(m), ++calls === 1 ? Promise.reject(new Error('x')) : Promise.resolve()) });
    for (let i = 0; i < 4; i++) s.push(point(i));
    await s.flush();
    expect(sent.at(-1)).toEqual({ points: [], dropped: 4 });
  });

  it('flushes on close and counts later points as dropped', async () => {
    const sent: AnalyticsMessage[] = [];
    const s = stream({ capacity: 10, batchSize: 5, send: (m) => (sent.push(m), Promise.resolve()) });
    s.push(point(0));
    await Promise.all([s.close(), s.close()]);
    s.push(point(1));
    expect(sent.map(steps)).toEqual([[0]]);
    expect(s.stats).toEqual({ sent: 1, dropped: 1, failed: 0, buffered: 0 });
  });

  it.each([
    [{ capacity: 0 }, 'capacity must be a whole number >= 1'],
    [{ capacity: 10, batchSize: 11 }, 'batchSize must be a whole number from 1 to 10'],
    [{ flushIntervalMs: -1 }, 'flushIntervalMs must be a number >= 0'],
  ])('refuses options %j', (options, message) => {
    expect(() => stream({ ...options, send: () => Promise.resolve() })).toThrow(
      expect.objectContaining({ code: EngineErrorCode.INVALID_OPTIONS, message: expect.stringContaining(message) as unknown }),
    );
  });
});
