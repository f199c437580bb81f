import { crc32 } from 'node:zlib';
import { DataKind, Dxo, f32, Shareable } from '@hearth/core';
import type { JsonObject } from '@hearth/core';
import { CodecErrorCode } from './errors.js';
import { encodeShareable, encodeShareableParts } from './shareable-encode.js';
import { catchError } from './testing/catch-error.js';
import { randomShareable } from './testing/random-fixtures.js';
import { SeededRandom } from './testing/seeded-random.js';

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

describe('encodeShareable envelope', () => {
  it('writes magic, checksum, version, flags and lengths as documented', () => {
    const bytes = encodeShareable(new Shareable({ headers: { task_name: 'train' } }));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect([...bytes.subarray(0, 4)]).toEqual([0x48, 0x52, 0x54, 0x48]);
    expect(view.getUint32(4, true)).toBe(crc32(bytes.subarray(8)));
    expect(bytes[8]).toBe(1);
    expect(bytes[9]).toBe(0);
    expect(view.getUint16(10, true)).toBe(0);
    // {"task_name":"train"} is 20 bytes, padded to 24.
    expect(view.getUint32(12, true)).toBe(24);
    expect(Number(view.getBigUint64(16, true))).toBe(bytes.length - 24);
    expect(new TextDecoder().decode(bytes.subarray(24))).toBe('{"task_name":"train"}   ');
  });

  it('sets the DXO flag and writes the DXO record with its tensors in safetensors layout', () => {
    const dxo = new Dxo({ kind: DataKind.WEIGHTS, params: new Map([['w', f32([1], [1])]]), meta: { round: 2 } });
    const bytes = encodeShareable(new Shareable({ dxo }));
    const view = new DataView(bytes.buffer);
    expect(bytes[9]).toBe(1);
    const record = 24 + view.getUint32(12, true);
    const recordLength = view.getUint32(record, true);
    expect(view.getUint32(record + 4, true)).toBe(1);
    expect(new TextDecoder().decode(bytes.subarray(record + 8, record + 8 + recordLength)).trimEnd()).toBe('{"kind":"WEIGHTS","meta":{"round":2}}');
    const params = record + 8 + recordLength;
    const paramsLength = Number(view.getBigUint64(params, true));
    const safetensorsHeader = Number(view.getBigUint64(params + 8, true));
    const data = params + 16 + safetensorsHeader;
    expect(data % 8).toBe(0);
    expect(new Float32Array(bytes.buffer, data, 1)[0]).toBe(1);
    expect(params + 8 + paramsLength).toBe(data + 4);
    expect(bytes.length % 8).toBe(0);
  });

  it('produces parts whose concatenation is the single-buffer encoding (100 seeded Shareables)', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const shareable = randomShareable(new SeededRandom(seed));
      expect({ seed, equal: Buffer.from(concat(encodeShareableParts(shareable))).equals(encodeShareable(shareable)) }).toEqual({ seed, equal: true });
    }
  });

  it('hands tensor memory out as parts without copying it', () => {
    const w = f32([1024], new Float32Array(1024).fill(0.5));
    const parts = encodeShareableParts(Shareable.fromDxo(new Dxo({ kind: DataKind.WEIGHTS, params: new Map([['w', w]]) })));
    expect(parts.some((part) => part.buffer === w.data.buffer && part.byteLength === w.data.byteLength)).toBe(true);
  });
});

describe('encodeShareable refuses what JSON cannot carry', () => {
  const cases: Array<[string, JsonObject]> = [
    ['NaN', { loss: Number.NaN }],
    ['Infinity', { loss: Number.POSITIVE_INFINITY }],
    ['undefined', { x: undefined } as unknown as JsonObject],
    ['a bigint', { x: 1n } as unknown as JsonObject],
    ['a class instance', { x: new Map() } as unknown as JsonObject],
  ];
  it.each(cases)('refuses %s in headers', (_label, headers) => {
    const err = catchError(() => encodeShareable(new Shareable({ headers })));
    expect(err.code).toBe(CodecErrorCode.INVALID_INPUT);
    expect(err.message).toContain('Shareable headers');
  });

  it('refuses a cycle in meta', () => {
    const meta: Record<string, unknown> = {};
    meta['self'] = meta;
    const dxo = new Dxo({ kind: DataKind.METRICS, values: {}, meta: meta as JsonObject });
    expect(catchError(() => encodeShareable(Shareable.fromDxo(dxo))).code).toBe(CodecErrorCode.INVALID_INPUT);
  });

  it('refuses a COLLECTION that contains itself', () => {
    const items = new Map<string, Dxo>();
    const collection = new Dxo({ kind: DataKind.COLLECTION, items });
    items.set('me', collection);
    expect(catchError(() => encodeShareable(Shareable.fromDxo(collection))).code).toBe(CodecErrorCode.INVALID_INPUT);
  });
});

describe('encodeShareableParts part list', () => {
  it('merges the small fixed fields into few parts and emits no empty part', () => {
    const w = f32([4], [1, 2, 3, 4]);
    const parts = encodeShareableParts(Shareable.fromDxo(new Dxo({ kind: DataKind.WEIGHTS, params: new Map([['w', w]]) })));
    expect(parts.map((p) => p.byteLength).every((n) => n > 0)).toBe(true);
    expect(parts).toHaveLength(3);
    expect(parts[2]?.buffer).toBe(w.data.buffer);
  });
});
