import { isCodecError } from './errors.js';
import { decodeParamMap } from './safetensors-decode.js';
import { encodeParamMap } from './safetensors-encode.js';
import { decodeShareable } from './shareable-decode.js';
import { encodeShareable } from './shareable-encode.js';
import { resealChecksum } from './testing/differences.js';
import { randomParamMap, randomShareable } from './testing/random-fixtures.js';
import { SeededRandom } from './testing/seeded-random.js';

const INTERESTING_BYTES = [0x00, 0xff, 0x7f, 0x80, 0x20, 0x22, 0x2c, 0x2d, 0x2e, 0x30, 0x31, 0x39, 0x3a, 0x5b, 0x5d, 0x7b, 0x7d, 0x5c, 0x65];

/** One random corruption of `input`: bit flips, byte overwrites, truncation, extension, splices, digit edits, length fields. */
function mutate(rng: SeededRandom, input: Uint8Array): Uint8Array {
  const bytes = input.slice();
  const at = rng.int(Math.max(1, bytes.length));
  switch (rng.int(8)) {
    case 0:
      bytes[at] = (bytes[at] ?? 0) ^ (1 << rng.int(8));
      return bytes;
    case 1:
      bytes[at] = rng.pick(INTERESTING_BYTES);
      return bytes;
    case 2:
      return bytes.subarray(0, rng.int(bytes.length));
    case 3: {
      const extra = new Uint8Array(1 + rng.int(16));
      rng.fill(extra);
      const out = new Uint8Array(bytes.length + extra.length);
      out.set(bytes);
      out.set(extra, bytes.length);
      return out;
    }
    case 4: {
      const end = Math.min(bytes.length, at + 1 + rng.int(16));
      return new Uint8Array([...bytes.subarray(0, at), ...bytes.subarray(end)]);
    }
    case 5: {
      const digits = [...bytes.keys()].filter((i) => (bytes[i] ?? 0) >= 0x30 && (bytes[i] ?? 0) <= 0x39);
      if (digits.length > 0) bytes[rng.pick(digits)] = 0x30 + rng.int(10);
      return bytes;
    }
    case 6: {
      const field = rng.pick([0, 4, 12, 16, 24]);
      if (field + 4 <= bytes.length) {
        new DataView(bytes.buffer).setUint32(field, rng.pick([0, 1, 7, 8, 0x7fffffff, 0xffffffff, rng.int(4096)]), true);
      }
      return bytes;
    }
    default: {
      for (let i = 0; i < 1 + rng.int(4); i++) bytes[rng.int(bytes.length)] = rng.int(256);
      return bytes;
    }
  }
}

/** Copies `bytes` to an odd address half of the time, so misaligned decoding gets fuzzed too. */
function maybeShift(rng: SeededRandom, bytes: Uint8Array): Uint8Array {
  if (!rng.chance(0.5)) return bytes;
  const backing = new Uint8Array(bytes.length + 1);
  backing.set(bytes, 1);
  return backing.subarray(1);
}

/** Runs `decode` and classifies the outcome; anything but success or a codec error fails the test with the seed. */
function outcome(decode: () => unknown, seed: number): string {
  try {
    decode();
    return 'ok';
  } catch (err) {
    if (isCodecError(err)) return err.code;
    throw new Error(`seed ${seed}: decode threw something other than a codec error: ${String(err)}`, { cause: err });
  }
}

describe('fuzzing the decoders with seeded corruptions', () => {
  it('decodeShareable either succeeds or throws a codec error (5000 mutations, half with a resealed checksum)', () => {
    const seen = new Map<string, number>();
    for (let seed = 1; seed <= 5000; seed++) {
      const rng = new SeededRandom(seed);
      const bytes = mutate(rng, encodeShareable(randomShareable(new SeededRandom(seed % 40))));
      if (rng.chance(0.5)) resealChecksum(bytes);
      const input = maybeShift(rng, bytes);
      const result = outcome(() => {
        const decoded = decodeShareable(input, { maxDepth: 8, maxTensors: 64 });
        decodeShareable(encodeShareable(decoded));
      }, seed);
      seen.set(result, (seen.get(result) ?? 0) + 1);
    }
    expect(seen.size).toBeGreaterThanOrEqual(8);
    expect(seen.get('HEARTH_ERR_CODEC_CHECKSUM_MISMATCH')).toBeGreaterThan(0);
    expect(seen.get('HEARTH_ERR_CODEC_INVALID_JSON')).toBeGreaterThan(0);
  });

  it('decodeParamMap either succeeds or throws a codec error (5000 mutations)', () => {
    const seen = new Map<string, number>();
    for (let seed = 1; seed <= 5000; seed++) {
      const rng = new SeededRandom(seed);
      const input = maybeShift(rng, mutate(rng, encodeParamMap(randomParamMap(new SeededRandom(seed % 40), 6))));
      const result = outcome(() => {
        const decoded = decodeParamMap(input, { maxTensors: 64 });
        decodeParamMap(encodeParamMap(decoded.params, { metadata: decoded.metadata }));
      }, seed);
      seen.set(result, (seen.get(result) ?? 0) + 1);
    }
    for (const code of ['TRUNCATED', 'INVALID_JSON', 'INVALID_OFFSETS', 'SHAPE_MISMATCH', 'UNKNOWN_DTYPE']) {
      expect({ code, seen: (seen.get(`HEARTH_ERR_CODEC_${code}`) ?? 0) > 0 }).toEqual({ code, seen: true });
    }
  });
});
