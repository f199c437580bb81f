import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isHearthError } from '@hearth/core';
import { PlotErrorCode } from './errors.js';
import { readMetricStreams } from './read-metric-streams.js';

const line = (site: string, key: string, step: number, value: number): string =>
  JSON.stringify({ site, round: Math.floor(step / 10), step, key, value, time: 1700000000000 });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-streams-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function failure(): Promise<{ code: string; message: string; context: Record<string, unknown> }> {
  const thrown: unknown = await readMetricStreams(dir).then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!isHearthError(thrown)) throw new Error(`expected a HearthError, got ${String(thrown)}`);
  return { code: thrown.code, message: thrown.message, context: { ...thrown.context } };
}

describe('readMetricStreams', () => {
  it('groups the points of every site by key, keys sorted, in file order', async () => {
    await writeFile(join(dir, 'b.jsonl'), `${line('b', 'loss', 0, 4)}\n${line('b', 'acc', 0, 0.5)}\n${line('b', 'loss', 1, 3)}\n`);
    await writeFile(join(dir, 'a.jsonl'), `${line('a', 'loss', 0, 9)}\n\n`);
    await writeFile(join(dir, 'notes.txt'), 'not a stream');
    expect(await readMetricStreams(dir)).toEqual([
      { key: 'acc', points: [{ site: 'b', step: 0, value: 0.5 }] },
      {
        key: 'loss',
        points: [
          { site: 'a', step: 0, value: 9 },
          { site: 'b', step: 0, value: 4 },
          { site: 'b', step: 1, value: 3 },
        ],
      },
    ]);
  });

  it('reads a missing folder as no streams', async () => {
    expect(await readMetricStreams(join(dir, 'nothing-here'))).toEqual([]);
  });

  it('names the file and line of a line that is not JSON', async () => {
    const file = join(dir, 'site-1.jsonl');
    await writeFile(file, `${line('site-1', 'loss', 0, 1)}\n${line('site-1', 'loss', 1, 1)}\n{"site":"site-1","round":0,"st\n`);
    const { code, message, context } = await failure();
    expect(code).toBe(PlotErrorCode.STREAM_INVALID);
    expect(message).toBe(`${file}:3:31: not valid JSON: Unterminated string`);
    expect(context).toEqual({ file, line: 3 });
  });

  it('names the file, line and field of a line with the wrong shape', async () => {
    const file = join(dir, 'site-2.jsonl');
    await writeFile(file, `${line('site-2', 'loss', 0, 1)}\n${line('site-2', 'loss', 1, 1).replace('"value":1', '"value":"1"')}\n`);
    const { code, message } = await failure();
    expect(code).toBe(PlotErrorCode.STREAM_INVALID);
    expect(message).toBe(`${file}:2: not a metrics line: $.value: must be number`);
  });

  it('reports a stream it cannot read', async () => {
    await mkdir(join(dir, 'folder.jsonl'));
    const { code, message } = await failure();
    expect(code).toBe(PlotErrorCode.IO_FAILED);
    expect(message).toContain(`${join(dir, 'folder.jsonl')}: cannot read it (EISDIR`);
  });
});
