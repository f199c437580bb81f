import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataKind, Dxo, f32, Shareable, tensor } from '@hearth/core';
import type { Tensor } from '@hearth/core';
import { CodecErrorCode } from './errors.js';
import { encodeShareable, encodeShareableParts } from './shareable-encode.js';
import { openShareableFile } from './shareable-file.js';
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

  it('loads every tensor ahead of use with loadAll, after which the file is no longer needed', async () => {
    const path = spool(weights());
    const opened = await openShareableFile(path);
    await opened.loadAll();
    rmSync(path);
    expect(shareableDifference(weights(), opened.shareable)).toBeUndefined();
    const slices: number[] = [];
    opened.sources[0]?.forEachSlice('h', 8, (slice) => slices.push(...(slice as Float64Array)));
    expect(slices).toEqual([0.5, -1.5, 2.5]);
  });

  it('reports a file that shrank after it was opened when a slice is read', async () => {
    const path = spool(weights());
    const source = (await openShareableFile(path)).sources[0];
    truncateSync(path, 40);
    expect(catchError(() => source?.load())).toMatchObject({ code: CodecErrorCode.TRUNCATED });
  });
});
