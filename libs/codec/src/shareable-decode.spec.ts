import { DataKind, Dxo, f32, Shareable, tensor } from '@hearth/core';
import type { Tensor } from '@hearth/core';
import { CodecErrorCode } from './errors.js';
import { decodeShareable } from './shareable-decode.js';
import { encodeShareable, encodeShareableParts } from './shareable-encode.js';
import { catchError } from './testing/catch-error.js';
import { resealChecksum, shareableDifference } from './testing/differences.js';
import { randomShareable } from './testing/random-fixtures.js';
import { SeededRandom } from './testing/seeded-random.js';

function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

function weights(): Shareable {
  return Shareable.fromDxo(
    new Dxo({ kind: DataKind.WEIGHTS, params: new Map([['w', f32([2], [1, 2])], ['b', f32([], [3])]]), meta: { round: 1 } }),
    { task_name: 'train' },
  );
}

/** Encodes, lets `edit` change the bytes, reseals the checksum so structural checks run, decodes. */
function decodeEdited(shareable: Shareable, edit: (bytes: Uint8Array, view: DataView) => Uint8Array | void): () => Shareable {
  const original = encodeShareable(shareable);
  const edited = edit(original, new DataView(original.buffer)) ?? original;
  resealChecksum(edited);
  return () => decodeShareable(edited);
}

function headersEnd(bytes: Uint8Array): number {
  return 24 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
}

describe('decodeShareable round trips', () => {
  it('gives back headers, kinds, meta, values, tensors and nested collections exactly (300 seeded Shareables)', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const shareable = randomShareable(new SeededRandom(seed));
      const back = decodeShareable(encodeShareable(shareable));
      expect({ seed, difference: shareableDifference(shareable, back) }).toEqual({ seed, difference: undefined });
    }
  });

  it('decodes the concatenation of the parts', () => {
    const shareable = weights();
    expect(shareableDifference(decodeShareable(concat(encodeShareableParts(shareable))), shareable)).toBeUndefined();
  });

  it('decodes a Shareable without a DXO', () => {
    const back = decodeShareable(encodeShareable(Shareable.withReturnCode('TASK_UNKNOWN', 'no such task')));
    expect(back.dxo).toBeUndefined();
    expect(back.returnCode).toBe('TASK_UNKNOWN');
  });

  it('returns tensors as views over the input buffer', () => {
    const bytes = encodeShareable(weights());
    const params = decodeShareable(bytes).dxo?.requireParams();
    expect(params?.get('w')?.data.buffer).toBe(bytes.buffer);
    expect(params?.get('b')?.data.buffer).toBe(bytes.buffer);
  });

  it('keeps tensors of nested DXOs zero-copy too', () => {
    const inner = new Dxo({ kind: DataKind.WEIGHT_DIFF, params: new Map<string, Tensor>([['d', f32([1], [4])], ['u', tensor('U8', [3], Uint8Array.of(1, 2, 3))]]) });
    const outer = new Dxo({ kind: DataKind.COLLECTION, items: new Map([['first', inner], ['second', inner]]) });
    const bytes = encodeShareable(Shareable.fromDxo(outer));
    const second = decodeShareable(bytes).dxo?.items?.get('second')?.requireParams();
    expect(second?.get('d')?.data.buffer === bytes.buffer).toBe(true);
    expect(second?.get('u')?.data.buffer === bytes.buffer).toBe(true);
  });
});

describe('decodeShareable rejects bad envelopes', () => {
  it('rejects bad magic', () => {
    const bytes = encodeShareable(weights());
    bytes[0] = 0x50;
    expect(catchError(() => decodeShareable(bytes)).code).toBe(CodecErrorCode.BAD_MAGIC);
  });

  it('rejects an unknown version, naming it', () => {
    const err = catchError(decodeEdited(weights(), (b) => void (b[8] = 2)));
    expect(err.code).toBe(CodecErrorCode.UNSUPPORTED_VERSION);
    expect(err.message).toContain('version 2');
  });

  it('rejects unknown envelope flags and reserved bits', () => {
    expect(catchError(decodeEdited(weights(), (b) => void (b[9] = 0x81))).code).toBe(CodecErrorCode.BAD_FLAGS);
    expect(catchError(decodeEdited(weights(), (b) => void (b[10] = 1))).code).toBe(CodecErrorCode.BAD_FLAGS);
  });

  it('rejects a flipped bit anywhere after the checksum field', () => {
    const bytes = encodeShareable(weights());
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    expect(catchError(() => decodeShareable(bytes)).code).toBe(CodecErrorCode.CHECKSUM_MISMATCH);
  });

  it('rejects truncation and trailing bytes', () => {
    const bytes = encodeShareable(weights());
    expect(catchError(() => decodeShareable(bytes.subarray(0, 10))).code).toBe(CodecErrorCode.TRUNCATED);
    expect(catchError(() => decodeShareable(bytes.subarray(0, bytes.length - 8))).code).toBe(CodecErrorCode.TRUNCATED);
    expect(catchError(() => decodeShareable(concat([bytes, new Uint8Array(8)]))).code).toBe(CodecErrorCode.TRAILING_BYTES);
  });

  it('rejects a headers length beyond the body', () => {
    const err = catchError(decodeEdited(weights(), (_b, v) => v.setUint32(12, 1 << 20, true)));
    expect(err.code).toBe(CodecErrorCode.TRUNCATED);
    expect(err.message).toContain('headers');
  });

  it('rejects headers that are not UTF-8, not JSON or not an object', () => {
    expect(catchError(decodeEdited(weights(), (b) => void (b[25] = 0xc3))).code).toBe(CodecErrorCode.INVALID_JSON);
    expect(catchError(decodeEdited(weights(), (b) => void (b[24] = 0x20))).code).toBe(CodecErrorCode.INVALID_JSON);
    const array = catchError(decodeEdited(new Shareable(), (b) => void b.set([0x5b, 0x5d], 24)));
    expect(array.code).toBe(CodecErrorCode.INVALID_HEADER);
  });

  it('rejects a DXO record with unknown flags, an unknown kind or a tensor kind without tensors', () => {
    const metrics = Shareable.fromDxo(new Dxo({ kind: DataKind.METRICS, values: { acc: 0.5 } }));
    expect(catchError(decodeEdited(metrics, (b, v) => v.setUint32(headersEnd(b) + 4, 4, true))).code).toBe(CodecErrorCode.BAD_FLAGS);
    const unknownKind = catchError(
      decodeEdited(metrics, (b) => {
        const at = headersEnd(b) + 8 + '{"kind":"'.length;
        b.set(new TextEncoder().encode('NETRICS'), at);
      }),
    );
    expect(unknownKind).toMatchObject({ code: CodecErrorCode.INVALID_DXO, message: expect.stringContaining('NETRICS') });
    const weightsWithoutParams = catchError(
      decodeEdited(metrics, (b) => {
        const at = headersEnd(b) + 8 + '{"kind":"'.length;
        b.set(new TextEncoder().encode('WEIGHTS'), at);
      }),
    );
    expect(weightsWithoutParams.code).toBe(CodecErrorCode.INVALID_DXO);
  });

  it('rejects non-zero padding after the tensors', () => {
    const shareable = Shareable.fromDxo(new Dxo({ kind: DataKind.WEIGHTS, params: new Map([['u', tensor('U8', [1], Uint8Array.of(1))]]) }));
    const err = catchError(decodeEdited(shareable, (b) => void (b[b.length - 1] = 7)));
    expect(err.code).toBe(CodecErrorCode.INVALID_HEADER);
    expect(err.message).toContain('padding');
  });

  it('reports tensor problems with the tensor name', () => {
    const err = catchError(
      decodeEdited(weights(), (b) => {
        const text = Buffer.from(b).toString('latin1');
        const at = text.indexOf('"dtype":"F32"');
        b.set(new TextEncoder().encode('"dtype":"F31"'), at);
      }),
    );
    expect(err.code).toBe(CodecErrorCode.UNKNOWN_DTYPE);
    expect(err.message).toContain('"w"');
  });
});

describe('decodeShareable limits', () => {
  function nested(depth: number): Dxo {
    let dxo = new Dxo({ kind: DataKind.NONE });
    for (let i = 1; i < depth; i++) dxo = new Dxo({ kind: DataKind.COLLECTION, items: new Map([['inner', dxo]]) });
    return dxo;
  }

  it('refuses input larger than maxBytes', () => {
    const bytes = encodeShareable(weights());
    expect(catchError(() => decodeShareable(bytes, { maxBytes: bytes.length - 1 })).code).toBe(CodecErrorCode.LIMIT_EXCEEDED);
  });

  it('refuses headers and records larger than maxHeaderBytes', () => {
    const bytes = encodeShareable(new Shareable({ headers: { note: 'x'.repeat(100) } }));
    expect(catchError(() => decodeShareable(bytes, { maxHeaderBytes: 64 })).code).toBe(CodecErrorCode.LIMIT_EXCEEDED);
  });

  it('counts tensors over all nested DXOs against maxTensors', () => {
    const a = new Dxo({ kind: DataKind.WEIGHTS, params: new Map([['x', f32([1], [1])], ['y', f32([1], [1])]]) });
    const bytes = encodeShareable(Shareable.fromDxo(new Dxo({ kind: DataKind.COLLECTION, items: new Map([['a', a], ['b', a]]) })));
    expect(decodeShareable(bytes, { maxTensors: 4 }).dxo?.items?.size).toBe(2);
    expect(catchError(() => decodeShareable(bytes, { maxTensors: 3 })).code).toBe(CodecErrorCode.LIMIT_EXCEEDED);
  });

  it('refuses DXO nesting deeper than maxDepth', () => {
    const bytes = encodeShareable(Shareable.fromDxo(nested(5)));
    expect(decodeShareable(bytes, { maxDepth: 5 }).dxo?.kind).toBe(DataKind.COLLECTION);
    const err = catchError(() => decodeShareable(bytes, { maxDepth: 4 }));
    expect(err).toMatchObject({ code: CodecErrorCode.LIMIT_EXCEEDED, message: expect.stringContaining('maxDepth') });
  });

  it('refuses JSON nesting deeper than maxJsonDepth', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10; i++) deep = [deep];
    const bytes = encodeShareable(new Shareable({ headers: { deep: deep as number } }));
    expect(decodeShareable(bytes, { maxJsonDepth: 11 }).headers['deep']).toEqual(deep);
    expect(catchError(() => decodeShareable(bytes, { maxJsonDepth: 10 })).code).toBe(CodecErrorCode.LIMIT_EXCEEDED);
  });
});

describe('decodeShareable JSON values', () => {
  it('rejects numbers that overflow a double instead of turning them into Infinity', () => {
    const err = catchError(decodeEdited(new Shareable({ headers: { n: 1000 } }), (b) => void b.set(new TextEncoder().encode('{"n":1e999}'), 24)));
    expect(err.code).toBe(CodecErrorCode.INVALID_JSON);
  });
});
