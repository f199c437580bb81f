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
    expect(() => new SeededRandom(1.5)).toThrow(expect.objectContaining({ code: 'HEARTH_ERR_INVALID_ARGUMENT' }));
    expect(() => new SeededRandom(Number.NaN)).toThrow(expect.objectContaining({ code: 'HEARTH_ERR_INVALID_ARGUMENT' }));
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
    expect(() => rng.nextInt(0)).toThrow(expect.objectContaining({ code: 'HEARTH_ERR_INVALID_ARGUMENT' }));
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

  it('shuffles in place into a permutation that repeats for a seed', () => {
    const a = new SeededRandom(5).shuffle([0, 1, 2, 3, 4, 5, 6, 7]);
    expect([...a].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(new SeededRandom(5).shuffle([0, 1, 2, 3, 4, 5, 6, 7])).toEqual(a);
    expect(new SeededRandom(6).shuffle([0, 1, 2, 3, 4, 5, 6, 7])).not.toEqual(a);
  });
});
