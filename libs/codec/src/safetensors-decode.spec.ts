import { DTYPES, f32, paramMapsEqual, tensor, zeros } from '@hearth/core';
import type { ParamMap, Tensor } from '@hearth/core';
import { CodecErrorCode } from './errors.js';
import { decodeParamMap } from './safetensors-decode.js';
import { encodeParamMap } from './safetensors-encode.js';
import { catchError } from './testing/catch-error.js';
import { randomParamMap, randomTensor } from './testing/random-fixtures.js';
import { SeededRandom } from './testing/seeded-random.js';

const encoder = new TextEncoder();

/** A safetensors buffer from a header text and data bytes, exactly as given (no padding added). */
function raw(header: string, data: ArrayLike<number> = []): Uint8Array {
  const json = encoder.encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(Array.from(data), 8 + json.length);
  return out;
}

/** The same bytes copied to `offset` inside a larger buffer, to test misaligned input. */
function at(offset: number, bytes: Uint8Array): Uint8Array {
  const backing = new Uint8Array(offset + bytes.length);
  backing.set(bytes, offset);
  return backing.subarray(offset);
}

describe('decodeParamMap round trips', () => {
  it('gives back every dtype, scalar, empty tensor and unicode name bit for bit, in insertion order (200 seeded maps)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const params = randomParamMap(new SeededRandom(seed), 10);
      const decoded = decodeParamMap(encodeParamMap(params));
      expect({ seed, same: paramMapsEqual(params, decoded.params) }).toEqual({ seed, same: true });
    }
  });

  it('keeps the order of integer-like names and of consecutive empty tensors', () => {
    const params: ParamMap = new Map<string, Tensor>([
      ['10', zeros('F32', [0])],
      ['2', zeros('I8', [0])],
      ['b', f32([1], [1])],
      ['1', zeros('U8', [0, 4])],
      ['0', f32([], [3])],
    ]);
    expect([...decodeParamMap(encodeParamMap(params)).params.keys()]).toEqual(['10', '2', 'b', '1', '0']);
  });

  it('returns the metadata strings', () => {
    const bytes = encodeParamMap(new Map([['x', f32([1], [1])]]), { metadata: { format: 'pt', note: 'ünïcode' } });
    expect(decodeParamMap(bytes).metadata).toEqual({ format: 'pt', note: 'ünïcode' });
  });

  it('covers every dtype in one map', () => {
    const rng = new SeededRandom(7);
    const params: ParamMap = new Map(DTYPES.map((dtype) => [dtype, randomTensor(rng, dtype)]));
    expect(paramMapsEqual(decodeParamMap(encodeParamMap(params)).params, params)).toBe(true);
  });
});

describe('zero-copy decoding', () => {
  it('returns views that share the input buffer when offsets are aligned', () => {
    const bytes = encodeParamMap(new Map<string, Tensor>([['a', f32([2], [1, 2])], ['b', tensor('I64', [1], BigInt64Array.of(5n))]]));
    const { params } = decodeParamMap(bytes);
    const a = params.get('a');
    expect(a?.data.buffer).toBe(bytes.buffer);
    expect(params.get('b')?.data.buffer).toBe(bytes.buffer);
    bytes[bytes.length - 16] = 0xff;
    bytes[bytes.length - 13] = 0x7f;
    expect(Number.isNaN(a?.data[0])).toBe(true);
  });

  it('copies only the tensors whose offsets are misaligned for their element size', () => {
    const bytes = encodeParamMap(new Map<string, Tensor>([['u', tensor('U8', [3], Uint8Array.of(1, 2, 3))], ['f', f32([2], [1.5, -2.5])]]));
    const { params } = decodeParamMap(bytes);
    expect(params.get('u')?.data.buffer).toBe(bytes.buffer);
    expect(params.get('f')?.data.buffer).not.toBe(bytes.buffer);
    expect([...(params.get('f')?.data as Float32Array)]).toEqual([1.5, -2.5]);
  });

  it('copies every multi-byte tensor when the input itself starts at an odd address, with the same values', () => {
    const params = new Map<string, Tensor>([['f', f32([3], [1, 2, 3])], ['u', tensor('U8', [1], Uint8Array.of(9))]]);
    const shifted = at(1, encodeParamMap(params));
    const decoded = decodeParamMap(shifted).params;
    expect(decoded.get('f')?.data.buffer).not.toBe(shifted.buffer);
    expect(decoded.get('u')?.data.buffer).toBe(shifted.buffer);
    expect(paramMapsEqual(decoded, params)).toBe(true);
  });
});

describe('reading what other writers produce', () => {
  it('reads a file whose header lists tensors in name order, not buffer order, and orders them by offset', () => {
    const bytes = raw(
      '{"__metadata__":{"format":"np"},"a":{"dtype":"U8","shape":[1],"data_offsets":[4,5]},"b":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}',
      [0x00, 0x00, 0x80, 0x3f, 0x09],
    );
    const { params, metadata } = decodeParamMap(bytes);
    expect([...params.keys()]).toEqual(['b', 'a']);
    expect(params.get('b')?.data[0]).toBe(1);
    expect(params.get('a')?.data[0]).toBe(9);
    expect(metadata).toEqual({ format: 'np' });
  });

  it('accepts an unpadded header (older writers) and copies the now misaligned data', () => {
    const bytes = raw('{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', [0x00, 0x00, 0x00, 0x40]);
    expect(decodeParamMap(bytes).params.get('x')?.data[0]).toBe(2);
  });
});

describe('decodeParamMap rejects malformed input with a codec code', () => {
  const T = '{"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
  const eight = [0, 0, 128, 63, 0, 0, 0, 64];
  const cases: Array<[string, Uint8Array, string, string | null]> = [
    ['fewer than 8 bytes', Uint8Array.of(1, 2, 3), CodecErrorCode.TRUNCATED, null],
    ['a header length beyond the buffer', raw(T, eight).subarray(0, 40), CodecErrorCode.TRUNCATED, null],
    ['a header length beyond 2^53', Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0xff), CodecErrorCode.TRUNCATED, null],
    ['a header that does not start with {', raw(` ${T}`, eight), CodecErrorCode.INVALID_HEADER, null],
    ['a header that is not UTF-8', raw('{"t":1}').map((b, i) => (i === 10 ? 0xff : b)), CodecErrorCode.INVALID_JSON, null],
    ['a header that is not JSON', raw('{"t":', eight), CodecErrorCode.INVALID_JSON, null],
    ['a header that is an array', raw('[1]'), CodecErrorCode.INVALID_HEADER, null],
    ['a repeated tensor name', raw('{"t":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"t":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}', [1, 2]), CodecErrorCode.INVALID_JSON, 't'],
    ['metadata that is not strings', raw('{"__metadata__":{"n":1}}'), CodecErrorCode.INVALID_HEADER, null],
    ['tensor info that is not an object', raw('{"t":7}'), CodecErrorCode.INVALID_HEADER, 't'],
    ['an unknown tensor field', raw('{"t":{"dtype":"U8","shape":[],"data_offsets":[0,1],"x":1}}', [1]), CodecErrorCode.INVALID_HEADER, 't'],
    ['an unknown dtype', raw('{"t":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}', [1]), CodecErrorCode.UNKNOWN_DTYPE, 't'],
    ['a negative dimension', raw('{"t":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}}', [1]), CodecErrorCode.SHAPE_MISMATCH, 't'],
    ['a fractional dimension', raw('{"t":{"dtype":"U8","shape":[0.5],"data_offsets":[0,1]}}', [1]), CodecErrorCode.SHAPE_MISMATCH, 't'],
    ['a shape product that does not match the bytes', raw('{"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', eight), CodecErrorCode.SHAPE_MISMATCH, 't'],
    ['a shape product that overflows', raw('{"t":{"dtype":"F32","shape":[4294967296,4294967296,2],"data_offsets":[0,8]}}', eight), CodecErrorCode.SHAPE_MISMATCH, 't'],
    ['offsets that are not a pair', raw('{"t":{"dtype":"U8","shape":[1],"data_offsets":[0]}}', [1]), CodecErrorCode.INVALID_OFFSETS, 't'],
    ['an end before the begin', raw('{"t":{"dtype":"U8","shape":[0],"data_offsets":[1,0]}}', [1]), CodecErrorCode.INVALID_OFFSETS, 't'],
    ['offsets past the data', raw('{"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', [1, 2]), CodecErrorCode.INVALID_OFFSETS, 't'],
    ['a hole before a tensor', raw('{"t":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}', [1, 2]), CodecErrorCode.INVALID_OFFSETS, 't'],
    ['overlapping tensors', raw('{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}', [1, 2]), CodecErrorCode.INVALID_OFFSETS, 'b'],
    ['data left after the last tensor', raw('{"t":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', [1, 2]), CodecErrorCode.INVALID_OFFSETS, null],
  ];
  it.each(cases)('rejects %s', (_label, bytes, code, tensorName) => {
    const err = catchError(() => decodeParamMap(bytes));
    expect(err.code).toBe(code);
    if (tensorName !== null) {
      expect(err.message).toContain(JSON.stringify(tensorName));
      expect(err.context).toMatchObject({ tensor: tensorName });
    }
  });
});

describe('decode limits', () => {
  const bytes = encodeParamMap(new Map<string, Tensor>([['a', f32([1], [1])], ['b', f32([1], [2])]]));

  it('refuses input larger than maxBytes', () => {
    expect(catchError(() => decodeParamMap(bytes, { maxBytes: bytes.length - 1 })).code).toBe(CodecErrorCode.LIMIT_EXCEEDED);
  });

  it('refuses a header larger than maxHeaderBytes before reading it', () => {
    const huge = Uint8Array.of(0, 0, 0, 0x10, 0, 0, 0, 0);
    expect(catchError(() => decodeParamMap(huge)).code).toBe(CodecErrorCode.LIMIT_EXCEEDED);
    expect(catchError(() => decodeParamMap(bytes, { maxHeaderBytes: 16 })).code).toBe(CodecErrorCode.LIMIT_EXCEEDED);
  });

  it('refuses more tensors than maxTensors', () => {
    expect(decodeParamMap(bytes, { maxTensors: 2 }).params.size).toBe(2);
    const err = catchError(() => decodeParamMap(bytes, { maxTensors: 1 }));
    expect(err.code).toBe(CodecErrorCode.LIMIT_EXCEEDED);
    expect(err.message).toContain('maxTensors');
  });
});
