import { Backoff } from './backoff.js';
import { generateToken, hashToken, tokenMatches } from './tokens.js';
import { customTypesOf } from '../job-process/custom-code-policy.js';

describe('Backoff', () => {
  it('doubles its ceiling up to the maximum and waits between half and all of it', () => {
    const low = new Backoff({ initialDelayMs: 100, maxDelayMs: 1000, random: () => 0 });
    expect(Array.from({ length: 6 }, () => low.next())).toEqual([50, 100, 200, 400, 500, 500]);
    const high = new Backoff({ initialDelayMs: 100, maxDelayMs: 1000, random: () => 0.999999 });
    expect(Array.from({ length: 5 }, () => high.next())).toEqual([100, 200, 400, 800, 1000]);
    high.reset();
    expect(high.next()).toBe(100);
  });
});

describe('tokens', () => {
  it('match only their own hash', () => {
    const token = generateToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokenMatches(token, hashToken(token))).toBe(true);
    expect(tokenMatches(`${token}x`, hashToken(token))).toBe(false);
    expect(tokenMatches(token, 'not hex')).toBe(false);
  });
});

describe('customTypesOf', () => {
  it('finds module#Export types in components, executors and filters, not in args', () => {
    const config = {
      components: [{ id: 'a', type: 'WeightedAggregator', args: { type: './not/code.js#Nope' } }],
      executors: [{ tasks: ['train'], executor: { id: 't', type: './custom/t.js#Trainer' } }],
      task_result_filters: [{ tasks: ['train'], filters: [{ type: 'pkg#Filter' }] }],
    };
    expect(customTypesOf(config)).toEqual(['./custom/t.js#Trainer', 'pkg#Filter']);
  });
});
