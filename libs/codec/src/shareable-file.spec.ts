import { mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataKind, Dxo, f32, Shareable, tensor } from '@hearth/core';
import type { Tensor } from '@hearth/core';
import { CodecErrorCode } from './errors.js';
import { encodeShareable, encodeShareableParts } from './shareable-encode.js';
import { loadShareableFile, openShareableFile } from './shareable-file.js';
import { catchError } from './testing/catch-error.js';
import { resealChecksum, shareableDifference } from './testing/differences.js';
import { randomShareable } from './testing/random-fixtures.js';
import { SeededRandom } from './testing/seeded-random.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-codec-file-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function spool(shareable: Shareable, name = 'result.bin'): string {
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat(encodeShareableParts(shareable)));
  return path;
}

function weights(): Shareable {
  const params = new Map<string, Tensor>([
    ['w', f32([2, 3], [1, 2, 3, 4, 5, 6])],
    ['h', tensor('F64', [3], Float64Array.of(0.5, -1.5, 2.5))],
    ['n', tensor('I64', [2], BigInt64Array.of(7n, -8n))],
  ]);
  return Shareable.fromDxo(new Dxo({ kind: DataKind.WEIGHTS, params, meta: { NUM_STEPS_CURRENT_ROUND: 4 } }), { task_name: 'train', site_name: 'site-1' });
}

describe('openShareableFile', () => {
  it('reads headers and meta but leaves the tensors in the file until they are asked for', async () => {
    const { shareable, sources } = await openShareableFile(spool(weights()));
    expect(shareable.headers).toMatchObject({ task_name: 'train', site_name: 'site-1' });
    const dxo = shareable.dxo as Dxo;
    expect(dxo.meta).toEqual({ NUM_STEPS_CURRENT_ROUND: 4 });
    expect(sources).toHaveLength(1);
    expect(dxo.paramSource).toBe(sources[0]);
    expect(dxo.paramsLoaded).toBe(false);
    expect(dxo.paramSource?.specs).toEqual([
      { name: 'w', dtype: 'F32', shape: [2, 3] },
      { name: 'h', dtype: 'F64', shape: [3] },
      { name: 'n', dtype: 'I64', shape: [2] },
    ]);
    expect(shareableDifference(weights(), shareable)).toBeUndefined();
    expect(dxo.paramsLoaded).toBe(true);
  });

  it('hands out a tensor in slices of whole elements, in order, each with the index of its first element', async () => {
    const source = (await openShareableFile(spool(weights()))).sources[0];
    const slices: [number, number[]][] = [];
    source?.forEachSlice('w', 10, (slice, first) => slices.push([first, [...(slice as Float32Array)]]));
    expect(slices).toEqual([
      [0, [1, 2]],
      [2, [3, 4]],
      [4, [5, 6]],
    ]);
    const one: number[] = [];
    source?.forEachSlice('h', 1, (slice) => one.push(...(slice as Float64Array)));
    expect(one).toEqual([0.5, -1.5, 2.5]);
    expect(catchError(() => source?.forEachSlice('missing', 8, () => undefined))).toMatchObject({ code: CodecErrorCode.INVALID_INPUT });
  });

  it('gives the same Shareables as the in-memory decoder (100 seeded ones, nested collections included)', async () => {
    for (let seed = 1; seed <= 100; seed++) {
      const shareable = randomShareable(new SeededRandom(seed));
      const opened = (await openShareableFile(spool(shareable, `r${seed}.bin`))).shareable;
      expect({ seed, difference: shareableDifference(shareable, opened) }).toEqual({ seed, difference: undefined });
    }
  });

  it('refuses a corrupted byte, a truncated file and a missing file with coded errors naming the problem', async () => {
    const bytes = encodeShareable(weights());
    const corrupted = join(dir, 'corrupted.bin');
    bytes.set([(bytes.at(-3) ?? 0) ^ 0xff], bytes.byteLength - 3);
    writeFileSync(corrupted, bytes);
    await expect(openShareableFile(corrupted)).rejects.toMatchObject({ code: CodecErrorCode.CHECKSUM_MISMATCH });

    const truncated = spool(weights(), 'truncated.bin');
    truncateSync(truncated, 100);
    await expect(openShareableFile(truncated)).rejects.toMatchObject({ code: CodecErrorCode.TRUNCATED });

    const badHeader = encodeShareable(weights());
    badHeader[24] = 0x5b;
    resealChecksum(badHeader);
    writeFileSync(join(dir, 'bad-header.bin'), badHeader);
    await expect(openShareableFile(join(dir, 'bad-header.bin'))).rejects.toMatchObject({ code: CodecErrorCode.INVALID_JSON });

    await expect(openShareableFile(join(dir, 'nowhere.bin'))).rejects.toMatchObject({ code: CodecErrorCode.IO, message: expect.stringContaining('nowhere.bin') });
  });

  it('reports a file that shrank after it was opened when a slice is read', async () => {
    const path = spool(weights());
    const source = (await openShareableFile(path)).sources[0];
    truncateSync(path, 40);
    expect(catchError(() => source?.load())).toMatchObject({ code: CodecErrorCode.TRUNCATED });
  });
});

describe('loadShareableFile', () => {
  it('gives the same Shareables as the in-memory decoder, tensors in memory (100 seeded ones, nested collections included)', async () => {
    for (let seed = 1; seed <= 100; seed++) {
      const shareable = randomShareable(new SeededRandom(seed));
      const path = spool(shareable, `r${seed}.bin`);
      const loaded = await loadShareableFile(path);
      rmSync(path);
      const everyDxo = (dxo: Dxo | undefined): Dxo[] => (dxo === undefined ? [] : [dxo, ...[...(dxo.items?.values() ?? [])].flatMap(everyDxo)]);
      const unloaded = everyDxo(loaded.dxo).filter((dxo) => !dxo.paramsLoaded);
      expect({ seed, difference: shareableDifference(shareable, loaded), unloaded }).toEqual({ seed, difference: undefined, unloaded: [] });
    }
  });

  it('reads the file once, each tensor straight into its own buffer', async () => {
    const path = spool(weights());
    const handle = await open(path);
    const fileHandlePrototype = Object.getPrototypeOf(handle) as FileHandle;
    await handle.close();
    const reads = jest.spyOn(fileHandlePrototype, 'read');
    try {
      const loaded = await loadShareableFile(path);
      expect(shareableDifference(weights(), loaded)).toBeUndefined();
      const w = loaded.dxo?.params?.get('w')?.data;
      // The calls are read(buffer, offset, length, position), the form readFullyAsync uses.
      const calls = reads.mock.calls as unknown as [Uint8Array, number, number, number][];
      expect(calls.some(([into]) => into.buffer === w?.buffer)).toBe(true);
      const bytesRead = calls.reduce((sum, [, , length]) => sum + length, 0);
      expect(bytesRead).toBe(statSync(path).size - 8);
    } finally {
      reads.mockRestore();
    }
  });

  it('refuses a corrupted tensor byte, a corrupted header byte, a truncated file and a missing file with coded errors', async () => {
    const bytes = encodeShareable(weights());
    bytes.set([(bytes.at(-3) ?? 0) ^ 0xff], bytes.byteLength - 3);
    writeFileSync(join(dir, 'tensor.bin'), bytes);
    await expect(loadShareableFile(join(dir, 'tensor.bin'))).rejects.toMatchObject({ code: CodecErrorCode.CHECKSUM_MISMATCH });

    // A header that no longer parses is still a checksum mismatch, as in the in-memory decoder.
    const header = encodeShareable(weights());
    header[24] = 0x5b;
    writeFileSync(join(dir, 'header.bin'), header);
    await expect(loadShareableFile(join(dir, 'header.bin'))).rejects.toMatchObject({ code: CodecErrorCode.CHECKSUM_MISMATCH });
    resealChecksum(header);
    writeFileSync(join(dir, 'header.bin'), header);
    await expect(loadShareableFile(join(dir, 'header.bin'))).rejects.toMatchObject({ code: CodecErrorCode.INVALID_JSON });

    const truncated = spool(weights(), 'truncated.bin');
    truncateSync(truncated, 100);
    await expect(loadShareableFile(truncated)).rejects.toMatchObject({ code: CodecErrorCode.TRUNCATED });

    await expect(loadShareableFile(join(dir, 'nowhere.bin'))).rejects.toMatchObject({ code: CodecErrorCode.IO, message: expect.stringContaining('nowhere.bin') });
    await expect(loadShareableFile(spool(weights(), 'big.bin'), { maxBytes: 64 })).rejects.toMatchObject({ code: CodecErrorCode.LIMIT_EXCEEDED });
  });
});
