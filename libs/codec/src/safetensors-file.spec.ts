import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { f32, paramMapsEqual, tensor } from '@hearth/core';
import type { Tensor } from '@hearth/core';
import { CodecErrorCode } from './errors.js';
import { encodeParamMap } from './safetensors-encode.js';
import { readSafetensorsFile, writeSafetensorsFile } from './safetensors-file.js';
import { catchRejection } from './testing/catch-error.js';
import { randomParamMap } from './testing/random-fixtures.js';
import { SeededRandom } from './testing/seeded-random.js';

describe('safetensors files', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hearth-codec-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes exactly the bytes of encodeParamMap and reads them back', async () => {
    const params = randomParamMap(new SeededRandom(11), 12);
    const path = join(dir, 'model.safetensors');
    await writeSafetensorsFile(path, params, { metadata: { format: 'pt' } });
    expect(new Uint8Array(await readFile(path))).toEqual(encodeParamMap(params, { metadata: { format: 'pt' } }));
    const back = await readSafetensorsFile(path);
    expect(paramMapsEqual(back.params, params)).toBe(true);
    expect(back.metadata).toEqual({ format: 'pt' });
    expect(await readdir(dir)).toEqual(['model.safetensors']);
  });

  it('reads each tensor into its own buffer, so no model is limited by the largest single buffer', async () => {
    const path = join(dir, 'm.safetensors');
    await writeSafetensorsFile(path, new Map<string, Tensor>([['a', f32([2], [1, 2])], ['b', f32([1], [3])]]), { metadata: { tag: 'x' } });
    const { params, metadata } = await readSafetensorsFile(path);
    expect(params.get('a')?.data).toEqual(Float32Array.of(1, 2));
    expect(params.get('b')?.data).toEqual(Float32Array.of(3));
    expect(params.get('a')?.data.buffer).not.toBe(params.get('b')?.data.buffer);
    expect(params.get('a')?.data.buffer.byteLength).toBe(8);
    expect(metadata).toEqual({ tag: 'x' });
  });

  it('replaces an existing file whole', async () => {
    const path = join(dir, 'm.safetensors');
    await writeSafetensorsFile(path, new Map([['old', f32([1], [1])]]));
    await writeSafetensorsFile(path, new Map([['new', f32([1], [2])]]));
    expect([...(await readSafetensorsFile(path)).params.keys()]).toEqual(['new']);
    expect(await readdir(dir)).toEqual(['m.safetensors']);
  });

  it('leaves the old file untouched and no temporary file when the tensors are invalid', async () => {
    const path = join(dir, 'm.safetensors');
    await writeSafetensorsFile(path, new Map([['keep', f32([1], [1])]]));
    const bad = new Map([['x', { dtype: 'F32', shape: [2], data: new Float32Array(1) } as Tensor]]);
    expect((await catchRejection(writeSafetensorsFile(path, bad))).code).toBe(CodecErrorCode.INVALID_INPUT);
    expect([...(await readSafetensorsFile(path)).params.keys()]).toEqual(['keep']);
    expect(await readdir(dir)).toEqual(['m.safetensors']);
  });

  it('removes its temporary file when the final rename fails', async () => {
    const path = join(dir, 'taken');
    await mkdir(path);
    await writeFile(join(path, 'inside'), 'x');
    const err = await catchRejection(writeSafetensorsFile(path, new Map([['x', tensor('U8', [1], Uint8Array.of(1))]])));
    expect(err.code).toBe(CodecErrorCode.IO);
    expect(await readdir(dir)).toEqual(['taken']);
  });

  it('creates missing folders', async () => {
    const path = join(dir, 'missing', 'm.safetensors');
    await writeSafetensorsFile(path, new Map([['x', tensor('U8', [1], Uint8Array.of(7))]]));
    expect((await readSafetensorsFile(path)).params.get('x')?.data).toEqual(Uint8Array.of(7));
  });

  it('reports a folder that cannot be made as an IO error naming the path', async () => {
    await writeFile(join(dir, 'file'), 'x');
    const path = join(dir, 'file', 'm.safetensors');
    const err = await catchRejection(writeSafetensorsFile(path, new Map()));
    expect(err.code).toBe(CodecErrorCode.IO);
    expect(err.message).toContain(path);
  });

  it('reports a missing file as an IO error', async () => {
    expect((await catchRejection(readSafetensorsFile(join(dir, 'nope')))).code).toBe(CodecErrorCode.IO);
  });

  it('checks the file size against maxBytes before reading', async () => {
    const path = join(dir, 'm.safetensors');
    await writeSafetensorsFile(path, new Map([['x', f32([4], [1, 2, 3, 4])]]));
    expect((await catchRejection(readSafetensorsFile(path, { maxBytes: 32 }))).code).toBe(CodecErrorCode.LIMIT_EXCEEDED);
  });

  it('rejects a truncated file with a codec code', async () => {
    const path = join(dir, 'm.safetensors');
    const bytes = encodeParamMap(new Map([['x', f32([4], [1, 2, 3, 4])]]));
    await writeFile(path, bytes.subarray(0, bytes.length - 3));
    expect((await catchRejection(readSafetensorsFile(path))).code).toBe(CodecErrorCode.INVALID_OFFSETS);
  });
});
