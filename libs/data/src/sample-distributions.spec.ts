import { SeededRandom } from '@hearth/core';
import { sampleDirichlet } from './sample-dirichlet.js';
import { sampleGamma } from './sample-gamma.js';

describe('gamma and Dirichlet sampling', () => {
  it.each([0.1, 0.5, 1, 3.5])('Gamma(%p) has mean close to its shape', (shape) => {
    const rng = new SeededRandom(5);
    let sum = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) sum += sampleGamma(rng, shape);
    expect(Math.abs(sum / n - shape)).toBeLessThan(0.05 * Math.max(1, shape));
  });

  it('rejects a non-positive shape', () => {
    expect(() => sampleGamma(new SeededRandom(1), 0)).toThrow(expect.objectContaining({ code: 'HEARTH_ERR_DATA_INVALID_ARGUMENT' }));
  });

  it('samples proportions that sum to 1, even for tiny alpha', () => {
    const rng = new SeededRandom(3);
    for (const alpha of [0.001, 0.1, 1, 100]) {
      const p = sampleDirichlet(rng, { alpha, out: new Float64Array(8) });
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      for (const v of p) expect(v).toBeGreaterThanOrEqual(0);
    }
  });

  it('concentrates mass on few components when alpha is small', () => {
    const rng = new SeededRandom(9);
    const meanMax = (alpha: number): number => {
      let total = 0;
      for (let i = 0; i < 200; i++) total += Math.max(...sampleDirichlet(rng, { alpha, out: new Float64Array(10) }));
      return total / 200;
    };
    expect(meanMax(0.05)).toBeGreaterThan(0.8);
    expect(meanMax(100)).toBeLessThan(0.2);
  });
});
