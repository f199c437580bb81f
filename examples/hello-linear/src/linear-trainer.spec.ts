import { ContextKey, DataKind, Dxo, FLContextManager, MetaKey, ReturnCode, Shareable, f32, silentLogger } from '@hearth/core';
import type { AnalyticsPoint, EngineSpec, FLContext } from '@hearth/core';
import { LinearTrainer, TRAIN_LOSS_KEY, meanSquaredError } from './linear-trainer.js';
import { makeLinearData, siteSeed } from './linear-data.js';

const args = { true_weights: [1.5, -2, 0.5, 3], true_bias: 0.25, samples: 64, local_steps: 10, learning_rate: 0.1, noise_std: 0, seed: 0 };

function contextFor(site: string, seed?: number, streamed?: AnalyticsPoint[]): FLContext {
  const sendAnalytics = streamed === undefined ? undefined : (point: AnalyticsPoint) => streamed.push(point);
  const engine = { siteName: site, jobId: 'j', logger: silentLogger(), workspaceDir: '.', sendAnalytics } as unknown as EngineSpec;
  const ctx = new FLContextManager({ siteName: site, jobId: 'j', engine }).newContext();
  if (seed !== undefined) ctx.set(ContextKey.SEED, seed, { sticky: true, private: false });
  return ctx;
}

function model(w: number[], b: number): Shareable {
  return Shareable.fromDxo(new Dxo({ kind: DataKind.WEIGHTS, params: new Map([['weight', f32([4], w)], ['bias', f32([1], [b])]]) }));
}

describe('LinearTrainer', () => {
  it('lowers the loss each round and approaches the true weights', async () => {
    const trainer = new LinearTrainer(args);
    const ctx = contextFor('site-1', 7);
    let current = model([0, 0, 0, 0], 0);
    const losses: number[] = [];
    for (let round = 0; round < 20; round++) {
      current = await trainer.execute('train', current, ctx, new AbortController().signal);
      losses.push((current.dxo?.meta['metrics'] as { loss: number }).loss);
    }
    losses.slice(1).forEach((loss, i) => expect(loss).toBeLessThanOrEqual(losses[i] ?? Infinity));
    expect(losses[19]).toBeLessThan((losses[0] ?? 0) * 1e-6);
    const w = current.dxo?.requireParams().get('weight')?.data as Float32Array;
    args.true_weights.forEach((t, i) => expect(Math.abs((w[i] ?? 0) - t)).toBeLessThan(1e-3));
    expect(current.dxo?.meta[MetaKey.NUM_STEPS_CURRENT_ROUND]).toBe(64);
  });

  it('streams the loss before each local step, numbered on from the round', async () => {
    const streamed: AnalyticsPoint[] = [];
    const ctx = contextFor('site-1', 7, streamed);
    ctx.set(ContextKey.CURRENT_ROUND, 2);
    const result = await new LinearTrainer(args).execute('train', model([0, 0, 0, 0], 0), ctx, new AbortController().signal);
    expect(streamed.map((p) => p.step)).toEqual([20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
    expect(streamed.every((p) => p.key === TRAIN_LOSS_KEY)).toBe(true);
    const metrics = result.dxo?.meta['metrics'] as { loss_before: number; loss: number };
    expect(streamed[0]?.value).toBeCloseTo(metrics.loss_before, 12);
    streamed.slice(1).forEach((p, i) => expect(p.value).toBeLessThan(streamed[i]?.value ?? 0));
    expect(metrics.loss).toBeLessThan(streamed[9]?.value ?? 0);
  });

  it('draws different data per site and the same data for the same seed', () => {
    const a = makeLinearData({ trueWeights: [1], trueBias: 0, samples: 4, noiseStd: 0, seed: siteSeed(1, 'site-1') });
    const b = makeLinearData({ trueWeights: [1], trueBias: 0, samples: 4, noiseStd: 0, seed: siteSeed(1, 'site-2') });
    const a2 = makeLinearData({ trueWeights: [1], trueBias: 0, samples: 4, noiseStd: 0, seed: siteSeed(1, 'site-1') });
    expect(a.x).toEqual(a2.x);
    expect(a.x).not.toEqual(b.x);
    expect(meanSquaredError(a, Float64Array.of(1), Float64Array.of(0))).toBe(0);
  });

  it('answers bad task data and unknown tasks with return codes', async () => {
    const trainer = new LinearTrainer(args);
    const ctx = contextFor('site-1');
    const wrongShape = Shareable.fromDxo(new Dxo({ kind: DataKind.WEIGHTS, params: new Map([['weight', f32([2], [0, 0])]]) }));
    const bad = await trainer.execute('train', wrongShape, ctx, new AbortController().signal);
    expect(bad.returnCode).toBe(ReturnCode.BAD_TASK_DATA);
    const unknown = await trainer.execute('validate', model([0, 0, 0, 0], 0), ctx, new AbortController().signal);
    expect(unknown.returnCode).toBe(ReturnCode.TASK_UNKNOWN);
  });

  it('stops when the task is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(new LinearTrainer(args).execute('train', model([0, 0, 0, 0], 0), contextFor('s'), controller.signal)).rejects.toThrow();
  });
});
