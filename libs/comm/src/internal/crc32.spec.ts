import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { crc32Combine, crc32OfParts } from './crc32.js';

describe('crc32OfParts', () => {
  it('equals the CRC-32 of the concatenation, whatever the split', () => {
    const whole = randomBytes(10_000);
    const parts = [whole.subarray(0, 1), whole.subarray(1, 1), whole.subarray(1, 4097), whole.subarray(4097)];
    expect(crc32OfParts(parts)).toBe(crc32(whole));
    expect(crc32OfParts([])).toBe(0);
  });

  it('continues from an initial value', () => {
    const a = randomBytes(100);
    const b = randomBytes(300);
    expect(crc32OfParts([b], crc32(a))).toBe(crc32(Buffer.concat([a, b])));
  });
});

describe('crc32Combine', () => {
  it('gives the CRC-32 of A then B from the two CRCs and the length of B', () => {
    for (const [lengthA, lengthB] of [
      [0, 0],
      [0, 17],
      [17, 0],
      [1, 1],
      [1000, 1 << 20],
      [3, 65_537],
    ] as const) {
      const a = randomBytes(lengthA);
      const b = randomBytes(lengthB);
      expect(crc32Combine(crc32(a), crc32(b), lengthB)).toBe(crc32(Buffer.concat([a, b])));
    }
  });

  it('folds many chunks into the whole-payload CRC', () => {
    const whole = randomBytes(5 * 4096 + 123);
    let combined = 0;
    for (let offset = 0; offset < whole.byteLength; offset += 4096) {
      const chunk = whole.subarray(offset, offset + 4096);
      combined = crc32Combine(combined, crc32(chunk), chunk.byteLength);
    }
    expect(combined).toBe(crc32(whole));
  });

  it('handles lengths beyond 32 bits (no 4 GiB wrap-around)', () => {
    const zeros = new Uint8Array(1 << 20);
    const crcOfMiBZeros = crc32(zeros);
    let crcOf4GiBZeros = 0;
    for (let i = 0; i < 4096; i += 1) crcOf4GiBZeros = crc32Combine(crcOf4GiBZeros, crcOfMiBZeros, zeros.byteLength);
    const crcOfTwo4GiB = crc32Combine(crcOf4GiBZeros, crcOf4GiBZeros, 2 ** 32);
    let stepwise = crcOf4GiBZeros;
    for (let i = 0; i < 4096; i += 1) stepwise = crc32Combine(stepwise, crcOfMiBZeros, zeros.byteLength);
    expect(crcOfTwo4GiB).toBe(stepwise);
  });
});
