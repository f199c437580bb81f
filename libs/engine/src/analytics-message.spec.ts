import { isHearthError } from '@hearth/core';
import { analyticsBatches } from './analytics-batch.js';
import { decodeAnalyticsMessage, encodeAnalyticsMessage } from './analytics-message.js';
import type { AnalyticsMessage, AnalyticsRecord } from './analytics-message.js';
import { EngineErrorCode } from './errors.js';

const point = (step: number, round: number | null): AnalyticsRecord => ({ key: 'loss', value: step, step, round, time: 5 });

function decodeError(value: unknown): string {
  const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : (value as Uint8Array);
  try {
    decodeAnalyticsMessage(bytes);
  } catch (err) {
    expect(isHearthError(err, EngineErrorCode.INVALID_ANALYTICS)).toBe(true);
    return (err as Error).message;
  }
  throw new Error('decoded');
}

describe('analytics messages', () => {
  it('round-trips through bytes', () => {
    const message: AnalyticsMessage = { points: [point(0, 1), point(1, null)], dropped: 2 };
    expect(decodeAnalyticsMessage(encodeAnalyticsMessage(message))).toEqual(message);
  });

  it.each([
    ['{"points": [', 'analytics message is not UTF-8 JSON'],
    [JSON.stringify({ points: [] }), 'analytics message $: must have required properties dropped'],
    [JSON.stringify({ points: [{ ...point(0, 0), value: 'x' }], dropped: 0 }), 'analytics message $.points[0].value: must be number'],
    [JSON.stringify({ points: [{ ...point(0, 0), round: 1.5 }], dropped: 0 }), '$.points[0].round: must be integer or must be null'],
    [JSON.stringify({ points: [{ ...point(0, 0), extra: 1 }], dropped: 0 }), '$.points[0].extra: is not allowed'],
    [JSON.stringify({ points: [], dropped: -1 }), '$.dropped: must be >= 0'],
  ])('refuses %s', (text, message) => {
    expect(decodeError(text)).toContain(message);
  });

  it('refuses bytes that are not UTF-8', () => {
    expect(decodeError(Uint8Array.of(0xff, 0xfe))).toContain('not UTF-8 JSON');
  });

  it('splits a message into one batch per round, with the drops on the first', () => {
    const batches = analyticsBatches('a', { points: [point(0, 1), point(1, 1), point(2, 2), point(3, null)], dropped: 7 });
    expect(batches.map((b) => [b.site, b.round, b.points.map((p) => p.step), b.dropped])).toEqual([
      ['a', 1, [0, 1], 7],
      ['a', 2, [2], 0],
      ['a', null, [3], 0],
    ]);
    expect(analyticsBatches('a', { points: [], dropped: 3 })).toEqual([{ site: 'a', round: null, points: [], dropped: 3 }]);
    expect(analyticsBatches('a', { points: [], dropped: 0 })).toEqual([]);
  });
});
