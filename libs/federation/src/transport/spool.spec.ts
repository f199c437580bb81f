import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { encodeShareable } from '@hearth/codec';
import { DataKind, Dxo, f32, ReturnCode, Shareable, silentLogger } from '@hearth/core';
import { Spool } from './spool.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-spool-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function spoolIn(aboveBytes = 100): Spool {
  return new Spool({ dir: join(dir, 'spool'), aboveBytes }, silentLogger());
}

async function received(spool: Spool, shareable: Shareable): Promise<string> {
  const bytes = encodeShareable(shareable);
  const sink = spool.sink('site-1/task 7', bytes.byteLength, 1 << 20);
  await sink.write(bytes, 0);
  await sink.complete();
  return sink.result;
}

describe('Spool', () => {
  it('takes payloads above its threshold, writes them to files in its folder and reads them back, tensors left in the file or loaded and the file removed', async () => {
    const spool = spoolIn();
    expect([spool.wants(100), spool.wants(101)]).toEqual([false, true]);
    const weights = Shareable.fromDxo(new Dxo({ kind: DataKind.WEIGHTS, params: new Map([['w', f32([3], [1, 2, 3])]]) }));
    const path = await received(spool, weights);
    expect(path.startsWith(join(dir, 'spool', 'site-1_task_7-'))).toBe(true);
    const opened = await spool.open(path, { maxBytes: 1 << 20, load: false });
    expect(opened.dxo?.paramsLoaded).toBe(false);
    expect(existsSync(path)).toBe(true);
    expect(opened.dxo?.params?.get('w')?.data).toEqual(Float32Array.of(1, 2, 3));
    const loaded = await spool.open(await received(spool, weights), { maxBytes: 1 << 20, load: true });
    expect(readdirSync(join(dir, 'spool'))).toEqual([basename(path)]);
    expect(loaded.dxo?.params?.get('w')?.data).toEqual(Float32Array.of(1, 2, 3));
    spool.close();
    expect(existsSync(join(dir, 'spool'))).toBe(false);
  });

  it('removes a file at once when it holds no tensors, and a file that cannot be read, passing on the error', async () => {
    const spool = spoolIn();
    const path = await received(spool, Shareable.withReturnCode(ReturnCode.EXECUTION_EXCEPTION, 'x'.repeat(200)));
    expect((await spool.open(path, { maxBytes: 1 << 20, load: false })).returnCode).toBe(ReturnCode.EXECUTION_EXCEPTION);
    expect(existsSync(path)).toBe(false);
    const broken = join(dir, 'spool', 'broken.hrth');
    writeFileSync(broken, 'not an envelope');
    await expect(spool.open(broken, { maxBytes: 1 << 20, load: false })).rejects.toMatchObject({ code: 'HEARTH_ERR_CODEC_BAD_MAGIC' });
    expect(existsSync(broken)).toBe(false);
  });
});

describe('Spool options', () => {
  it('refuses a threshold that a payload held in memory could not meet (above buffer.constants.MAX_LENGTH)', () => {
    expect(() => spoolIn(2 ** 33)).toThrow(expect.objectContaining({ code: 'HEARTH_ERR_FED_INVALID_OPTIONS' }) as Error);
    expect(() => spoolIn(-1)).toThrow(expect.objectContaining({ code: 'HEARTH_ERR_FED_INVALID_OPTIONS' }) as Error);
  });
});
