/** Bit layout of a 16-bit float: IEEE half (F16) or bfloat16 (BF16). */
export interface SmallFloatFormat {
  readonly exponentBits: number;
  readonly mantissaBits: number;
}

/** IEEE 754 half precision: 5 exponent bits, 10 mantissa bits. */
export const HALF: SmallFloatFormat = { exponentBits: 5, mantissaBits: 10 };

/** bfloat16: float32's 8 exponent bits, 7 mantissa bits. */
export const BFLOAT16: SmallFloatFormat = { exponentBits: 8, mantissaBits: 7 };

function decodeOne(bits: number, format: SmallFloatFormat): number {
  const { exponentBits, mantissaBits } = format;
  const bias = (1 << (exponentBits - 1)) - 1;
  const maxExponent = (1 << exponentBits) - 1;
  const sign = bits & (1 << (exponentBits + mantissaBits)) ? -1 : 1;
  const exponent = (bits >>> mantissaBits) & maxExponent;
  const mantissa = bits & ((1 << mantissaBits) - 1);
  if (exponent === maxExponent) return mantissa === 0 ? sign * Infinity : NaN;
  if (exponent === 0) return sign * mantissa * 2 ** (1 - bias - mantissaBits);
  return sign * ((1 << mantissaBits) + mantissa) * 2 ** (exponent - bias - mantissaBits);
}

const tables = new Map<SmallFloatFormat, Float64Array>();

/**
 * A 65536-entry table from 16-bit pattern to value, built once per format, so hot loops decode with one
 * indexed load per element.
 */
export function decodeTable(format: SmallFloatFormat): Float64Array {
  let table = tables.get(format);
  if (table === undefined) {
    table = new Float64Array(65536);
    for (let bits = 0; bits < 65536; bits++) table[bits] = decodeOne(bits, format);
    tables.set(format, table);
  }
  return table;
}

function exponentOf(magnitude: number): number {
  let e = Math.floor(Math.log2(magnitude));
  while (2 ** e > magnitude) e--;
  while (2 ** (e + 1) <= magnitude) e++;
  return e;
}

/**
 * The 16-bit pattern nearest to `value` (round half to even), straight from the float64 value so there is
 * no double rounding through float32. Overflow gives infinity, NaN gives a quiet NaN.
 */
export function encodeSmallFloat(value: number, format: SmallFloatFormat): number {
  const { exponentBits, mantissaBits } = format;
  const bias = (1 << (exponentBits - 1)) - 1;
  const infinity = ((1 << exponentBits) - 1) << mantissaBits;
  if (Number.isNaN(value)) return infinity | (1 << (mantissaBits - 1));
  const sign = value < 0 || Object.is(value, -0) ? 1 << (exponentBits + mantissaBits) : 0;
  const magnitude = Math.abs(value);
  if (magnitude === Infinity) return sign | infinity;
  const minExponent = 1 - bias;
  const exponent = magnitude === 0 ? minExponent : Math.max(exponentOf(magnitude), minExponent);
  const scaled = magnitude / 2 ** (exponent - mantissaBits);
  let units = Math.floor(scaled);
  const rest = scaled - units;
  if (rest > 0.5 || (rest === 0.5 && units % 2 === 1)) units++;
  const bits = ((exponent + bias - 1) << mantissaBits) + units;
  return bits >= infinity ? sign | infinity : sign | bits;
}
