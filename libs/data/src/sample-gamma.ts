import { DataErrorCode, dataError } from './errors.js';
import type { SeededRandom } from '@hearth/core';

/**
 * The natural logarithm of a Gamma(shape, 1) sample, by Marsaglia and Tsang's squeeze method ("A simple
 * method for generating gamma variables", 2000). For shape < 1 it uses G(a) = G(a + 1) · U^(1/a), kept in
 * log space: with tiny shapes (Dirichlet α = 0.01) the sample itself underflows to 0, its log does not.
 */
export function sampleLogGamma(rng: SeededRandom, shape: number): number {
  if (!(shape > 0) || !Number.isFinite(shape)) {
    throw dataError(DataErrorCode.INVALID_ARGUMENT, `gamma shape must be a positive finite number, got ${shape}`, {
      context: { shape },
    });
  }
  if (shape < 1) return sampleLogGamma(rng, shape + 1) + Math.log(rng.nextOpenFloat()) / shape;
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.nextNormal();
    const t = 1 + c * x;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = rng.nextOpenFloat();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) {
      return Math.log(d) + Math.log(v);
    }
  }
}

/** A Gamma(shape, 1) sample; see {@link sampleLogGamma}. May be 0 for very small shapes. */
export function sampleGamma(rng: SeededRandom, shape: number): number {
  return Math.exp(sampleLogGamma(rng, shape));
}
