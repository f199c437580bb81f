import { f32, tensor, zeros } from '@hearth/core';
import type { ParamMap, Tensor } from '@hearth/core';
import { CodecErrorCode } from './errors.js';
import { encodeParamMap, encodeParamMapParts } from './safetensors-encode.js';
import { catchError } from './testing/catch-error.js';

/** Bytes of an ASCII string, refusing anything else so the expected bytes below stay hand-checkable. */
function ascii(text: string): number[] {
  return [...text].map((c) => {
    const code = c.charCodeAt(0);
    if (code > 0x7f) throw new Error(`not ASCII: ${c}`);
    return code;
  });
}

describe('encodeParamMap against the safetensors format definition', () => {
  it('writes the header length, the compact JSON header padded with spaces to 8 bytes, then the data in insertion order', () => {
    const params: ParamMap = new Map<string, Tensor>([
      ['w', f32([2], [1, -2])],
      ['b', tensor('U8', [], Uint8Array.of(7))],
    ]);
    // Header JSON is 105 bytes; 7 spaces pad it to 112 = 0x70, so the data starts at 8 + 112 = 120, a multiple of 8.
    const expected = Uint8Array.from([
      0x70, 0, 0, 0, 0, 0, 0, 0,
      ...ascii('{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"U8","shape":[],"data_offsets":[8,9]}}'),
      ...ascii('       '),
      0x00, 0x00, 0x80, 0x3f, // 1.0f little-endian
      0x00, 0x00, 0x00, 0xc0, // -2.0f little-endian
      0x07,
    ]);
    expect(encodeParamMap(params)).toEqual(expected);
  });

  it('puts __metadata__ first and writes multi-byte integers little-endian', () => {
    const params: ParamMap = new Map<string, Tensor>([['a', tensor('I16', [1, 2], Int16Array.of(1, -2))]]);
    // 87 bytes of JSON + 1 space = 88 = 0x58.
    const expected = Uint8Array.from([
      0x58, 0, 0, 0, 0, 0, 0, 0,
      ...ascii('{"__metadata__":{"format":"pt"},"a":{"dtype":"I16","shape":[1,2],"data_offsets":[0,4]}} '),
      0x01, 0x00, 0xfe, 0xff,
    ]);
    expect(encodeParamMap(params, { metadata: { format: 'pt' } })).toEqual(expected);
  });

  it('encodes an empty map as {} and six spaces', () => {
    expect(encodeParamMap(new Map())).toEqual(Uint8Array.from([8, 0, 0, 0, 0, 0, 0, 0, ...ascii('{}      ')]));
  });

  it('writes an empty tensor with equal begin and end offsets and no data', () => {
    const bytes = encodeParamMap(new Map([['e', zeros('F64', [0, 3])]]));
    const header = new TextDecoder().decode(bytes.subarray(8)).trimEnd();
    expect(header).toBe('{"e":{"dtype":"F64","shape":[0,3],"data_offsets":[0,0]}}');
  });
});

describe('encodeParamMapParts', () => {
  it('returns the header then views over each non-empty tensor, sharing their memory', () => {
    const w = f32([2, 2], [1, 2, 3, 4]);
    const b = f32([2], [5, 6]);
    const parts = encodeParamMapParts(new Map<string, Tensor>([['w', w], ['empty', zeros('I32', [0])], ['b', b]]));
    expect(parts).toHaveLength(3);
    expect(parts[1]?.buffer).toBe(w.data.buffer);
    expect(parts[2]?.buffer).toBe(b.data.buffer);
  });

  it('views a tensor that is itself a view at an offset without copying it', () => {
    const backing = new Float32Array([9, 9, 1, 2, 9]);
    const view = new Float32Array(backing.buffer, 8, 2);
    const parts = encodeParamMapParts(new Map([['v', tensor('F32', [2], view)]]));
    expect(parts[1]?.buffer).toBe(backing.buffer);
    expect(parts[1]?.byteOffset).toBe(8);
    expect(parts[1]?.byteLength).toBe(8);
  });
});

describe('encoding refuses what it cannot write faithfully', () => {
  const cases: Array<[string, ParamMap, string]> = [
    ['the reserved name __metadata__', new Map([['__metadata__', f32([1], [1])]]), '__metadata__'],
    ['a name with an unpaired surrogate', new Map([['bad\uD800', f32([1], [1])]]), 'surrogate'],
    ['a dtype that does not match the array', new Map([['x', { dtype: 'F64', shape: [1], data: new Float32Array(1) } as unknown as Tensor]]), 'Float64Array'],
    ['an unknown dtype', new Map([['x', { dtype: 'F8', shape: [1], data: new Uint8Array(1) } as unknown as Tensor]]), 'unknown dtype'],
    ['a shape that does not match the data', new Map([['x', { dtype: 'F32', shape: [3], data: new Float32Array(2) } as Tensor]]), 'needs 3 elements'],
    ['a fractional dimension', new Map([['x', { dtype: 'F32', shape: [1.5], data: new Float32Array(1) } as Tensor]]), 'non-negative integers'],
  ];
  it.each(cases)('refuses %s', (_label, params, fragment) => {
    const err = catchError(() => encodeParamMapParts(params));
    expect(err.code).toBe(CodecErrorCode.INVALID_INPUT);
    expect(err.message).toContain(fragment);
  });

  it('refuses non-string metadata values', () => {
    const metadata = { epochs: 3 } as unknown as Record<string, string>;
    expect(catchError(() => encodeParamMap(new Map(), { metadata })).code).toBe(CodecErrorCode.INVALID_INPUT);
  });
});
