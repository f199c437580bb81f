import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isHearthError } from '@hearth/core';
import { PlotErrorCode } from './errors.js';
import { readRoundMetrics } from './read-round-metrics.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-plot-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function failure(text: string | undefined): Promise<{ code: string; message: string; context: Record<string, unknown> }> {
  const file = join(dir, 'metrics.json');
  if (text !== undefined) await writeFile(file, text);
  const thrown: unknown = await readRoundMetrics(file).then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!isHearthError(thrown)) throw new Error(`expected a HearthError, got ${String(thrown)}`);
  return { code: thrown.code, message: thrown.message, context: { ...thrown.context } };
}

describe('readRoundMetrics', () => {
  it('reads the rounds and their metrics, ignoring the other fields', async () => {
    const file = join(dir, 'metrics.json');
    const report = { job: 'j', status: 'completed', rounds: [{ round: 0, clients: ['a'], metrics: { loss: 2 } }, { round: 1, clients: ['a'], metrics: {} }] };
    await writeFile(file, JSON.stringify(report));
    expect(await readRoundMetrics(file)).toEqual(report.rounds);
  });

  it('names the missing file', async () => {
    const { code, message } = await failure(undefined);
    expect(code).toBe(PlotErrorCode.METRICS_NOT_FOUND);
    expect(message).toBe(`${join(dir, 'metrics.json')} not found: is this the workspace of a finished run?`);
  });

  it('names line and column of a JSON syntax error', async () => {
    const { code, message, context } = await failure('{\n  "rounds": [\n    {"round": 0,}\n  ]\n}\n');
    expect(code).toBe(PlotErrorCode.METRICS_INVALID);
    expect(message).toBe(`${join(dir, 'metrics.json')}:3:17: not valid JSON: Expected double-quoted property name`);
    expect(context['line']).toBe(3);
  });

  it('names the file when the text ends too early', async () => {
    expect((await failure('{"rounds": [')).message).toBe(`${join(dir, 'metrics.json')}:1:13: not valid JSON: Unexpected end of JSON input`);
  });

  it('names the JSON path of a field with the wrong shape', async () => {
    const { code, message } = await failure(JSON.stringify({ rounds: [{ round: 0, metrics: { loss: 1 } }, { round: 1, metrics: { loss: 'high' } }] }));
    expect(code).toBe(PlotErrorCode.METRICS_INVALID);
    expect(message).toBe(`${join(dir, 'metrics.json')} $.rounds[1].metrics.loss: must be number`);
    expect((await failure('{}')).message).toContain('$: must have required properties rounds');
  });
});
