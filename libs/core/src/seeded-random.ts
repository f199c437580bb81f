import { CoreErrorCode, HearthError } from './errors.js';

const TWO_POW_32 = 0x1_0000_0000;
const TWO_POW_53 = 2 ** 53;

/** SplitMix32 step: spreads a seed over the generator state so nearby seeds give unrelated streams. */
function splitMix32(state: { value: number }): number {
  state.value = (state.value + 0x9e3779b9) | 0;
  let z = state.value;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A small, fast, seedable pseudo-random generator (xoshiro128**, seeded through SplitMix32). All
 * randomness in Hearth (shuffles, partitions, initial weights) comes from one of these, so a run is
 * reproducible from its seed. Not for cryptography.
 */
export class SeededRandom {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  /** `seed` is any safe integer; the same seed always yields the same stream. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new HearthError(CoreErrorCode.INVALID_ARGUMENT, `random seed must be a safe integer, got ${seed}`, {
        context: { seed },
      });
    }
    const low = seed >>> 0;
    const high = Math.floor(seed / TWO_POW_32) >>> 0;
    const state = { value: low ^ Math.imul(high, 0x6c078965) };
    this.#s0 = splitMix32(state);
    this.#s1 = splitMix32(state);
    this.#s2 = splitMix32(state);
    this.#s3 = splitMix32(state);
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = 1;
  }

  /** The next 32 uniformly distributed bits, as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.#s1, 5), 7), 9) >>> 0;
    const t = this.#s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= this.#s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    return result;
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / TWO_POW_53;
  }

  /** Shuffles `items` in place (Fisher-Yates) and returns them; the same seed gives the same order. */
  shuffle<T extends { length: number; [index: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }

  /** A uniform float in [low, high). */
  nextUniform(low: number, high: number): number {
    return low + (high - low) * this.nextFloat();
  }

  /** A uniform float in (0, 1): never 0, so its logarithm is finite. */
  nextOpenFloat(): number {
    let u = this.nextFloat();
    while (u === 0) u = this.nextFloat();
    return u;
  }

  /** A uniform integer in [0, bound), without modulo bias. `bound` must be in [1, 2^32]. */
  nextInt(bound: number): number {
    if (!Number.isInteger(bound) || bound < 1 || bound > TWO_POW_32) {
      throw new HearthError(CoreErrorCode.INVALID_ARGUMENT, `random integer bound must be in [1, 2^32], got ${bound}`, {
        context: { bound },
      });
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % bound);
    let r = this.nextUint32();
    while (r >= limit) r = this.nextUint32();
    return r % bound;
  }

  /** A standard normal sample (Box-Muller; uses two uniforms per call, so streams stay aligned). */
  nextNormal(): number {
    const u = this.nextOpenFloat();
    const v = this.nextFloat();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
