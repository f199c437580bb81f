import { BFLOAT16, decodeTable, encodeSmallFloat, HALF } from './small-float.js';

describe('16-bit floats', () => {
  it.each([
    [1, 0x3c00],
    [-2, 0xc000],
    [65504, 0x7bff],
    [65519.99, 0x7bff],
    [65520, 0x7c00],
    [Infinity, 0x7c00],
    [-Infinity, 0xfc00],
    [2 ** -14, 0x0400],
    [2 ** -24, 0x0001],
    [2 ** -25, 0x0000],
    [3 * 2 ** -26, 0x0001],
    [1 + 2 ** -11, 0x3c00],
    [1 + 3 * 2 ** -11, 0x3c02],
    [0.1, 0x2e66],
    [-0, 0x8000],
    [NaN, 0x7e00],
  ])('encodes %d as half 0x%s', (value, bits) => {
    expect(encodeSmallFloat(value, HALF)).toBe(bits);
  });

  it.each([
    [1, 0x3f80],
    [-2, 0xc000],
    [3, 0x4040],
    [1 + 2 ** -8, 0x3f80],
    [1 + 3 * 2 ** -8, 0x3f82],
    [3.4e38, 0x7f80],
    [2 ** -133, 0x0001],
  ])('encodes %d as bfloat16 0x%s', (value, bits) => {
    expect(encodeSmallFloat(value, BFLOAT16)).toBe(bits);
  });

  it.each([
    ['half', HALF],
    ['bfloat16', BFLOAT16],
  ])('decodes and re-encodes every %s bit pattern unchanged', (_name, format) => {
    const table = decodeTable(format);
    const changed: number[] = [];
    for (let bits = 0; bits < 65536; bits++) {
      const value = table[bits] as number;
      if (!Number.isNaN(value) && encodeSmallFloat(value, format) !== bits) changed.push(bits);
    }
    expect(changed).toEqual([]);
    expect(table[format === HALF ? 0x3c00 : 0x3f80]).toBe(1);
    expect(Number.isNaN(table[format === HALF ? 0x7e00 : 0x7fc0])).toBe(true);
  });
});
