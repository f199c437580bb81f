import { SeededRandom } from '@hearth/core';

/** A site's synthetic regression data: y = X·w + b (+ noise). */
export interface LinearData {
  /** Row-major features, `samples × features`. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly samples: number;
  readonly features: number;
}

/** Options for {@link makeLinearData}. */
export interface LinearDataOptions {
  readonly trueWeights: readonly number[];
  readonly trueBias: number;
  readonly samples: number;
  readonly noiseStd: number;
  /** Seed of this site's stream (derive it from the run seed and the site name). */
  readonly seed: number;
}

/** Generates a site's data from standard-normal features; the same seed gives the same data. */
export function makeLinearData(options: LinearDataOptions): LinearData {
  const rng = new SeededRandom(options.seed);
  const features = options.trueWeights.length;
  const x = new Float64Array(options.samples * features);
  const y = new Float64Array(options.samples);
  for (let i = 0; i < options.samples; i++) {
    let target = options.trueBias;
    for (let j = 0; j < features; j++) {
      const v = rng.nextNormal();
      x[i * features + j] = v;
      target += v * (options.trueWeights[j] ?? 0);
    }
    y[i] = target + options.noiseStd * rng.nextNormal();
  }
  return { x, y, samples: options.samples, features };
}

/** A stable 31-bit hash of a site name, mixed into the run seed so every site draws different data. */
export function siteSeed(runSeed: number, site: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < site.length; i++) h = Math.imul(h ^ site.charCodeAt(i), 0x01000193);
  return (runSeed * 0x9e37 + (h >>> 1)) % Number.MAX_SAFE_INTEGER;
}
