import { learningRateAt } from './lr-schedule.js';

describe('learningRateAt', () => {
  it('keeps a constant rate', () => {
    expect(learningRateAt({ schedule: { kind: 'constant' }, lr: 0.1, round: 7 })).toBe(0.1);
  });

  it('steps down by gamma every step_rounds rounds', () => {
    const schedule = { kind: 'step' as const, step_rounds: 2, gamma: 0.5 };
    expect([0, 1, 2, 3, 4].map((round) => learningRateAt({ schedule, lr: 0.8, round }))).toEqual([0.8, 0.8, 0.4, 0.4, 0.2]);
  });

  it('anneals along a cosine from lr to min_lr over the rounds', () => {
    const schedule = { kind: 'cosine' as const, min_lr: 0.1 };
    expect(learningRateAt({ schedule, lr: 1.1, round: 0, totalRounds: 4 })).toBeCloseTo(1.1, 12);
    expect(learningRateAt({ schedule, lr: 1.1, round: 2, totalRounds: 4 })).toBeCloseTo(0.6, 12);
    expect(learningRateAt({ schedule, lr: 1.1, round: 4, totalRounds: 4 })).toBeCloseTo(0.1, 12);
    expect(learningRateAt({ schedule: { ...schedule, total_rounds: 2 }, lr: 1.1, round: 1, totalRounds: 4 })).toBeCloseTo(0.6, 12);
    expect(learningRateAt({ schedule, lr: 1.1, round: 3 })).toBe(1.1);
  });
});
