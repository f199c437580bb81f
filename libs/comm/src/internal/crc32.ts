import { crc32 } from 'node:zlib';

/** zlib's crc32 takes a 32-bit length; longer views are fed to it in slices of this many bytes. */
const SLICE_BYTES = 1 << 30;
/** The CRC-32 polynomial, reflected (zlib, PNG, Ethernet). */
const POLYNOMIAL = 0xedb88320;

/** CRC-32 of the parts taken one after another, as if concatenated, continuing from `initial`. */
export function crc32OfParts(parts: readonly Uint8Array[], initial = 0): number {
  let crc = initial;
  for (const part of parts) {
    for (let offset = 0; offset < part.byteLength; offset += SLICE_BYTES) {
      crc = crc32(part.subarray(offset, Math.min(offset + SLICE_BYTES, part.byteLength)), crc);
    }
  }
  return crc;
}

/** a(x) * b(x) modulo the CRC polynomial, in the reflected bit order CRC-32 uses. */
function multiplyModP(a: number, b: number): number {
  let product = 0;
  let factor = b;
  for (let bit = 0x80000000; bit !== 0; bit >>>= 1) {
    if ((a & bit) !== 0) product ^= factor;
    factor = factor & 1 ? (factor >>> 1) ^ POLYNOMIAL : factor >>> 1;
  }
  return product >>> 0;
}

/** X2N[k] = x^(2^k) modulo the polynomial, for k = 0..31 (the zlib crc32_combine table). */
const X2N = (() => {
  const table = new Uint32Array(32);
  let power = 0x40000000;
  for (let k = 0; k < 32; k += 1) {
    table[k] = power;
    power = multiplyModP(power, power);
  }
  return table;
})();

/** x^(n * 2^k) modulo the polynomial; `n` may be any safe integer. */
function xPowerModP(n: number, k: number): number {
  let result = 0x80000000;
  let rest = n;
  let step = k;
  while (rest > 0) {
    if (rest % 2 === 1) result = multiplyModP(X2N[step % 32] ?? 0, result);
    rest = Math.floor(rest / 2);
    step += 1;
  }
  return result;
}

/**
 * The CRC-32 of A followed by B, from crc(A), crc(B) and B's length (zlib's crc32_combine), so a
 * whole-payload checksum comes from the per-chunk ones without reading the bytes twice.
 */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  return (multiplyModP(xPowerModP(lengthB, 3), crcA) ^ crcB) >>> 0;
}
