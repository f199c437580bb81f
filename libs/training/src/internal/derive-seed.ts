/**
 * Mixes a list of integers (run seed, site index, round, epoch, ...) into one 32-bit seed, so every
 * random stream of a run is reproducible from the run seed and independent of the others. MurmurHash3's
 * finalizer spreads each part over all bits; the result is a non-negative safe integer.
 */
export function deriveSeed(parts: readonly number[]): number {
  let h = 0x2545f491;
  for (const part of parts) {
    const low = part >>> 0;
    const high = Math.floor(part / 0x1_0000_0000) >>> 0;
    for (const word of [low, high]) {
      h = Math.imul(h ^ word, 0x9e3779b1);
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
    }
  }
  return h >>> 0;
}
