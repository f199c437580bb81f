import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isHearthError, paramMapsEqual } from '@hearth/core';
import { readSafetensorsFile } from '@hearth/codec';
import { simulateJob, simulatedSiteNames } from './simulate-job.js';

const examples = join(import.meta.dirname, '../../../examples');
const TRUE_WEIGHTS = [1.5, -2, 0.5, 3];
const TRUE_BIAS = 0.25;

let workspace: string;
beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'hearth-sim-'));
});
afterEach(() => rm(workspace, { recursive: true, force: true }));

async function finalModel(path: string | undefined): Promise<{ weight: number[]; bias: number }> {
  if (path === undefined) throw new Error('no model written');
  const { params } = await readSafetensorsFile(path);
  return { weight: Array.from(params.get('weight')?.data as Float32Array), bias: (params.get('bias')?.data as Float32Array)[0] ?? NaN };
}

function expectConverged(model: { weight: number[]; bias: number }): void {
  model.weight.forEach((w, i) => expect(Math.abs(w - (TRUE_WEIGHTS[i] ?? 0))).toBeLessThan(1e-3));
  expect(Math.abs(model.bias - TRUE_BIAS)).toBeLessThan(1e-3);
}

describe('simulateJob', () => {
  it('runs hello-linear with FedAvg to the true weights and writes model and metrics', async () => {
    const result = await simulateJob({ jobDir: join(examples, 'hello-linear'), clients: simulatedSiteNames(8), threads: 4, workspaceDir: workspace, seed: 3 });
    expect(result.status).toBe('completed');
    expect(result.rounds).toHaveLength(15);
    expect(result.rounds.every((r) => r.clients.length === 8)).toBe(true);
    expect(result.stats.peakActiveClients).toBeLessThanOrEqual(4);
    expectConverged(await finalModel(result.modelPath));
    const metrics = JSON.parse(await readFile(result.metricsPath, 'utf8')) as { rounds: { metrics: { loss: number } }[] };
    const losses = metrics.rounds.map((r) => r.metrics.loss);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] ?? 0);
  });

  it('writes the per-step losses every client streamed: one JSON-lines file per site, 15 rounds x 10 steps each', async () => {
    await mkdir(join(workspace, 'server/metrics'), { recursive: true });
    await writeFile(join(workspace, 'server/metrics/site-9.jsonl'), '{"left":"over from an earlier run"}\n');
    const result = await simulateJob({ jobDir: join(examples, 'hello-linear'), clients: simulatedSiteNames(3), threads: 2, workspaceDir: workspace, seed: 5 });
    expect(result.streamsDir).toBe(join(workspace, 'server/metrics'));
    expect((await readdir(result.streamsDir)).sort()).toEqual(['site-1.jsonl', 'site-2.jsonl', 'site-3.jsonl']);
    for (const site of ['site-1', 'site-2', 'site-3']) {
      const lines = (await readFile(join(result.streamsDir, `${site}.jsonl`), 'utf8')).trimEnd().split('\n');
      expect(lines).toHaveLength(150);
      const points = lines.map((line) => JSON.parse(line) as { site: string; round: number; step: number; key: string; value: number; time: number });
      expect(points.map((p) => p.step)).toEqual(Array.from({ length: 150 }, (_, i) => i));
      expect(points.map((p) => p.round)).toEqual(Array.from({ length: 150 }, (_, i) => Math.floor(i / 10)));
      expect(points.every((p) => p.site === site && p.key === 'train_loss' && Number.isFinite(p.value) && p.time > 0)).toBe(true);
      expect(points[149]?.value).toBeLessThan(points[0]?.value ?? 0);
    }
  });

  it('runs hello-linear with cyclic weight transfer to the true weights', async () => {
    const result = await simulateJob({ jobDir: join(examples, 'hello-linear-cyclic'), clients: simulatedSiteNames(8), threads: 4, workspaceDir: workspace });
    expect(result.status).toBe('completed');
    expect(result.rounds).toHaveLength(5);
    expectConverged(await finalModel(result.modelPath));
  });

  it('gives the same final model, bit for bit, for the same seed', async () => {
    const run = async (dir: string) => {
      const result = await simulateJob({ jobDir: join(examples, 'hello-linear'), clients: simulatedSiteNames(5), threads: 3, workspaceDir: join(workspace, dir), seed: 11 });
      if (result.modelPath === undefined) throw new Error('no model');
      return (await readSafetensorsFile(result.modelPath)).params;
    };
    expect(paramMapsEqual(await run('a'), await run('b'))).toBe(true);
  });

  it('refuses fewer clients than the job needs', async () => {
    let thrown: unknown;
    try {
      await simulateJob({ jobDir: join(examples, 'hello-linear'), clients: simulatedSiteNames(1), workspaceDir: workspace });
    } catch (err) {
      thrown = err;
    }
    expect(isHearthError(thrown, 'HEARTH_ERR_RUNNER_INVALID_OPTIONS')).toBe(true);
    expect((thrown as Error).message).toContain('needs at least 2 clients');
    expect(() => simulatedSiteNames(0)).toThrow(/whole number >= 1/);
  });
});
