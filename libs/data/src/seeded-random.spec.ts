import { sampleDirichlet } from './sample-dirichlet.js';
import { sampleGamma } from './sample-gamma.js';
import { SeededRandom } from './seeded-random.js';

function draws(rng: SeededRandom, n: number): number[] {
  return Array.from({ length: n }, () => rng.nextUint32());
}

describe('SeededRandom', () => {
  it('repeats its stream for a seed and differs between nearby seeds', () => {
    expect(draws(new SeededRandom(42), 8)).toEqual(draws(new SeededRandom(42), 8));
    expect(draws(new SeededRandom(42), 8)).not.toEqual(draws(new SeededRandom(43), 8));
    expect(draws(new SeededRandom(2 ** 40), 8)).not.toEqual(draws(new SeededRandom(0), 8));
  });

  it('rejects seeds that are not safe integers', () => {
    expect(() => new SeededRandom(1.5)).toThrow(expect.objectContaining({ code: 'HEARTH_ERR_DATA_INVALID_ARGUMENT' }));
    expect(() => new SeededRandom(Number.NaN)).toThrow(expect.objectContaining({ code: 'HEARTH_ERR_DATA_INVALID_ARGUMENT' }));
  });

  it('draws floats in [0, 1) and integers in range, roughly uniformly', () => {
    const rng = new SeededRandom(7);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 20_000; i++) {
      const u = rng.nextFloat();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      const k = rng.nextInt(10);
      buckets[k] = (buckets[k] as number) + 1;
    }
    for (const count of buckets) expect(Math.abs(count - 2000)).toBeLessThan(200);
    expect(() => rng.nextInt(0)).toThrow(expect.objectContaining({ code: 'HEARTH_ERR_DATA_INVALID_ARGUMENT' }));
  });

  it('draws standard normals with mean 0 and variance 1', () => {
    const rng = new SeededRandom(11);
    let sum = 0;
    let squares = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const z = rng.nextNormal();
      sum += z;
      squares += z * z;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.03);
    expect(Math.abs(squares / n - 1)).toBeLessThan(0.05);
  });
});

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
