import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tensor, tensorsEqual } from '@hearth/core';
import type { Tensor } from '@hearth/core';
import { decodeIdx } from './idx-decode.js';
import { encodeIdx } from './idx-encode.js';
import { readIdxFile, writeIdxFile } from './idx-file.js';
import type { IdxDType } from './idx-format.js';

const SAMPLES: Tensor<IdxDType>[] = [
  tensor('U8', [3, 2, 2], Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 254, 255])),
  tensor('I8', [4], Int8Array.from([-128, -1, 0, 127])),
  tensor('I16', [2, 2], Int16Array.from([-32768, -2, 300, 32767])),
  tensor('I32', [3], Int32Array.from([-2147483648, 65536, 2147483647])),
  tensor('F32', [2, 3], Float32Array.from([0.5, -1.25, 3e38, Number.NaN, -0, 1e-38])),
  tensor('F64', [2], Float64Array.from([Math.PI, -1e-300])),
];

describe('IDX files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hearth-idx-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(SAMPLES.map((t) => [t.dtype, t] as const))('round-trips %s raw and gzipped', async (_dtype, t) => {
    for (const name of ['t.idx', 't.idx.gz']) {
      const path = join(dir, name);
      await writeIdxFile(path, t);
      const back = await readIdxFile(path);
      expect(tensorsEqual(back, t)).toBe(true);
    }
    const gz = await readFile(join(dir, 't.idx.gz'));
    expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]);
  });

  it('detects gzip by magic bytes, not by file name', async () => {
    const t = SAMPLES[2] as Tensor<IdxDType>;
    const path = join(dir, 'no-extension');
    await writeFile(path, gzipSync(encodeIdx(t)));
    expect(tensorsEqual(await readIdxFile(path), t)).toBe(true);
  });

  it('writes the big-endian header the format defines', () => {
    const bytes = encodeIdx(tensor('I16', [1, 2], Int16Array.from([1, -2])));
    expect([...bytes]).toEqual([0, 0, 0x0b, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0xff, 0xfe]);
  });

  it('rejects a truncated file, naming it', async () => {
    const path = join(dir, 'short.idx');
    const bytes = encodeIdx(SAMPLES[0] as Tensor<IdxDType>);
    await writeFile(path, bytes.subarray(0, bytes.length - 1));
    await expect(readIdxFile(path)).rejects.toMatchObject({
      code: 'HEARTH_ERR_DATA_IDX_SIZE_MISMATCH',
      message: expect.stringContaining(`${path}: IDX file truncated`),
    });
  });

  it('rejects trailing bytes and a truncated header', () => {
    const bytes = encodeIdx(SAMPLES[1] as Tensor<IdxDType>);
    const padded = new Uint8Array(bytes.length + 1);
    padded.set(bytes);
    expect(() => decodeIdx(padded, { source: 'p.idx' })).toThrow(
      expect.objectContaining({ code: 'HEARTH_ERR_DATA_IDX_SIZE_MISMATCH', message: expect.stringContaining('trailing bytes') }),
    );
    expect(() => decodeIdx(Uint8Array.from([0, 0, 8, 3, 0, 0]), { source: 'h.idx' })).toThrow(
      expect.objectContaining({ code: 'HEARTH_ERR_DATA_IDX_SIZE_MISMATCH', message: expect.stringContaining('truncated IDX header') }),
    );
    expect(() => decodeIdx(Uint8Array.from([0, 0, 8, 0]))).toThrow(
      expect.objectContaining({ code: 'HEARTH_ERR_DATA_IDX_SIZE_MISMATCH' }),
    );
  });

  it('rejects a bad magic and an unknown type code', () => {
    expect(() => decodeIdx(Uint8Array.from([1, 0, 8, 1, 0, 0, 0, 0]), { source: 'm.idx' })).toThrow(
      expect.objectContaining({ code: 'HEARTH_ERR_DATA_IDX_BAD_MAGIC', context: { source: 'm.idx', length: 8 } }),
    );
    expect(() => decodeIdx(Uint8Array.from([0, 0]))).toThrow(expect.objectContaining({ code: 'HEARTH_ERR_DATA_IDX_BAD_MAGIC' }));
    expect(() => decodeIdx(Uint8Array.from([0, 0, 0x0a, 1, 0, 0, 0, 0]), { source: 'd.idx' })).toThrow(
      expect.objectContaining({ code: 'HEARTH_ERR_DATA_IDX_BAD_DTYPE', message: 'd.idx: unknown IDX element type code 0xa' }),
    );
  });

  it('rejects corrupt and truncated gzip with the file name', async () => {
    const gz = gzipSync(encodeIdx(SAMPLES[0] as Tensor<IdxDType>));
    const truncated = join(dir, 'cut.gz');
    await writeFile(truncated, gz.subarray(0, gz.length - 6));
    await expect(readIdxFile(truncated)).rejects.toMatchObject({
      code: 'HEARTH_ERR_DATA_BAD_GZIP',
      context: { path: truncated },
    });
    const corrupt = Buffer.from(gz);
    corrupt.fill(0xaa, 12, 20);
    const corruptPath = join(dir, 'corrupt.gz');
    await writeFile(corruptPath, corrupt);
    await expect(readIdxFile(corruptPath)).rejects.toMatchObject({ code: 'HEARTH_ERR_DATA_BAD_GZIP' });
  });

  it('reports a missing file as an IO error', async () => {
    const path = join(dir, 'missing.idx');
    await expect(readIdxFile(path)).rejects.toMatchObject({ code: 'HEARTH_ERR_DATA_IO', context: { path } });
  });

  it('refuses to encode a shape IDX cannot hold', () => {
    const scalar = { dtype: 'U8', shape: [], data: Uint8Array.from([1]) } as Tensor<IdxDType>;
    expect(() => encodeIdx(scalar)).toThrow(expect.objectContaining({ code: 'HEARTH_ERR_DATA_INVALID_ARGUMENT' }));
  });
});
