import { DataKind, Dxo, HeaderKey, MetaKey, ReturnCode, Shareable, paramMapsEqual, tensor } from '@hearth/core';
import type { AnalyticsPoint, ParamMap, Tensor } from '@hearth/core';
import { FASHION_MNIST_SUBSET_DIR } from '@hearth/data';
import { mlp } from '@hearth/onnx-train';
import { ScaffoldKey } from '@hearth/workflow';
import { TrainingErrorCode } from './errors.js';
import { OnnxTrainer } from './onnx-trainer.js';
import type { OnnxTrainerArgsInput } from './onnx-trainer-args.js';
import { siteContext } from './testing/site-context.js';
import { TrainerPool } from './trainer-pool.js';

const pool = new TrainerPool();
afterAll(() => pool.close());

const base: OnnxTrainerArgsInput = {
  model: { builtin: 'mlp', hidden: [16], seed: 1 },
  dataset: { name: 'fashion-mnist', dir: FASHION_MNIST_SUBSET_DIR, normalize: 'standardize', partition: { kind: 'iid', seed: 3 }, num_clients: 4, test_split: 'share' },
  batch_size: 32,
  lr: 0.05,
  steps_per_run: 4,
  execution_providers: ['cpu'],
};

function initialModel(): ParamMap {
  return mlp({ features: 784, hidden: [16], outputs: 10, seed: 1 }).params;
}

function weights(params: ParamMap, round = 0): Shareable {
  return Shareable.fromDxo(new Dxo({ kind: DataKind.WEIGHTS, params, meta: { [MetaKey.CURRENT_ROUND]: round, [MetaKey.TOTAL_ROUNDS]: 3 } }), {
    [HeaderKey.CURRENT_ROUND]: round,
  });
}

function accuracyOf(result: Shareable): number {
  return (result.dxo?.values as Record<string, number>)['val_accuracy'] as number;
}

const never = new AbortController().signal;

describe('OnnxTrainer', () => {
  it('trains on its share and returns weights with the examples seen and the round metrics', async () => {
    const trainer = new OnnxTrainer({ ...base, local_epochs: 2 }, { pool });
    const analytics: AnalyticsPoint[] = [];
    const ctx = siteContext({ site: 'site-2', analytics });
    const before = await trainer.execute('validate', weights(initialModel()), ctx, never);
    const result = await trainer.execute('train', weights(initialModel(), 1), ctx, never);
    expect(result.returnCode).toBe(ReturnCode.OK);
    const dxo = result.dxo as Dxo;
    expect(dxo.kind).toBe(DataKind.WEIGHTS);
    expect(dxo.meta[MetaKey.NUM_STEPS_CURRENT_ROUND]).toBe(2 * 500);
    const metrics = dxo.meta['metrics'] as Record<string, number>;
    expect(Object.keys(metrics).sort()).toEqual(['train_accuracy', 'train_loss', 'val_accuracy', 'val_loss']);
    expect(metrics['val_accuracy']).toBe(accuracyOf(before));
    expect([...(dxo.params as ParamMap).keys()]).toEqual([...initialModel().keys()]);
    const after = await trainer.execute('validate', weights(dxo.params as ParamMap), ctx, never);
    expect(accuracyOf(after)).toBeGreaterThan(accuracyOf(before) + 0.3);
    expect(after.dxo?.values?.['val_examples']).toBe(125);
    expect(analytics.map((p) => `${p.key}@${p.step}`).sort()).toEqual(['train_accuracy@1', 'train_loss@1', 'val_accuracy@1', 'val_loss@1']);
  });

  it('returns the difference to the global model as WEIGHT_DIFF', async () => {
    const global = initialModel();
    const asWeights = await new OnnxTrainer(base, { pool }).execute('train', weights(global), siteContext({ site: 'site-1' }), never);
    const asDiff = await new OnnxTrainer({ ...base, return_kind: 'weight_diff' }, { pool }).execute('train', weights(global), siteContext({ site: 'site-1' }), never);
    expect(asDiff.dxo?.kind).toBe(DataKind.WEIGHT_DIFF);
    const trained = asWeights.dxo?.params as ParamMap;
    for (const [name, diff] of asDiff.dxo?.params as ParamMap) {
      const w = (trained.get(name) as Tensor).data as Float32Array;
      const g = (global.get(name) as Tensor).data as Float32Array;
      const d = diff.data as Float32Array;
      expect(d.every((v, i) => v === Math.fround((w[i] as number) - (g[i] as number)))).toBe(true);
    }
  });

  it('submits its last trained model, keeps it across a swap-out, and refuses before training', async () => {
    const ctx = siteContext({ site: 'site-3' });
    const first = new OnnxTrainer(base, { pool });
    await expect(first.execute('submit_model', new Shareable(), ctx, never)).rejects.toMatchObject({ code: TrainingErrorCode.NO_LOCAL_MODEL });
    const trained = await first.execute('train', weights(initialModel()), ctx, never);
    const second = new OnnxTrainer(base, { pool });
    second.loadState(first.saveState());
    const submitted = await second.execute('submit_model', new Shareable(), ctx, never);
    expect(submitted.dxo?.kind).toBe(DataKind.WEIGHTS);
    expect(submitted.dxo?.meta[MetaKey.MODEL_OWNER]).toBe('site-3');
    expect(paramMapsEqual(submitted.dxo?.params as ParamMap, trained.dxo?.params as ParamMap)).toBe(true);
    expect(() => second.loadState({ lastModel: 'nope' })).toThrow(expect.objectContaining({ code: TrainingErrorCode.INVALID_STATE }));
  });

  it('answers an unknown task with TASK_UNKNOWN and rejects weights that do not fit the model', async () => {
    const trainer = new OnnxTrainer(base, { pool });
    const ctx = siteContext({ site: 'site-1' });
    expect((await trainer.execute('dance', weights(initialModel()), ctx, never)).returnCode).toBe(ReturnCode.TASK_UNKNOWN);
    const wrong = new Map(initialModel());
    wrong.set('fc0.weight', tensor('F32', [16, 10], new Float32Array(160)));
    await expect(trainer.execute('train', weights(wrong), ctx, never)).rejects.toMatchObject({
      code: TrainingErrorCode.INVALID_TASK_DATA,
      message: expect.stringContaining('"fc0.weight" is F32[16, 10], the model needs F32[16, 784]'),
    });
    const missing = new Map(initialModel());
    missing.delete('fc1.bias');
    await expect(trainer.execute('validate', weights(missing), ctx, never)).rejects.toMatchObject({ message: expect.stringContaining('lacks tensor "fc1.bias"') });
    await expect(trainer.execute('train', new Shareable(), ctx, never)).rejects.toMatchObject({ code: TrainingErrorCode.INVALID_TASK_DATA });
  });

  it('fails a site whose index is outside the partition with a coded error', async () => {
    const trainer = new OnnxTrainer(base, { pool });
    await expect(trainer.execute('train', weights(initialModel()), siteContext({ site: 'site-9' }), never)).rejects.toMatchObject({
      code: TrainingErrorCode.INVALID_DATASET,
      message: expect.stringContaining('num_clients is 4'),
    });
  });

  it('pulls the local model towards the global one with FedProx', async () => {
    const global = initialModel();
    const distance = async (mu: number): Promise<number> => {
      const result = await new OnnxTrainer({ ...base, fedprox_mu: mu, local_epochs: 2 }, { pool }).execute('train', weights(global), siteContext({ site: 'site-4' }), never);
      let sum = 0;
      for (const [name, t] of result.dxo?.params as ParamMap) {
        const g = (global.get(name) as Tensor).data as Float32Array;
        (t.data as Float32Array).forEach((v, i) => (sum += (v - (g[i] as number)) ** 2));
      }
      return Math.sqrt(sum);
    };
    expect(await distance(5)).toBeLessThan((await distance(0)) * 0.8);
  });

  it('runs SCAFFOLD: returns the model and Δc_i, and keeps c_i (option II) across swap-outs', async () => {
    const global = initialModel();
    const control: ParamMap = new Map([...global].map(([name, t]) => [name, tensor('F32', t.shape, new Float32Array(t.data.length).fill(0.001))]));
    const task = (): Shareable =>
      Shareable.fromDxo(
        new Dxo({
          kind: DataKind.COLLECTION,
          items: new Map([
            [ScaffoldKey.MODEL, new Dxo({ kind: DataKind.WEIGHTS, params: global })],
            [ScaffoldKey.CONTROL_GLOBAL, new Dxo({ kind: DataKind.WEIGHTS, params: control })],
          ]),
          meta: { [MetaKey.CURRENT_ROUND]: 0 },
        }),
      );
    const ctx = siteContext({ site: 'site-1' });
    const first = new OnnxTrainer({ ...base, optimizer: { type: 'sgd', momentum: 0 }, return_kind: 'weight_diff' }, { pool });
    const result = await first.execute('train', task(), ctx, never);
    expect(result.dxo?.kind).toBe(DataKind.COLLECTION);
    const model = result.dxo?.items?.get(ScaffoldKey.MODEL) as Dxo;
    const diff = result.dxo?.items?.get(ScaffoldKey.CONTROL_DIFF) as Dxo;
    expect(model.kind).toBe(DataKind.WEIGHT_DIFF);
    expect(model.meta[MetaKey.NUM_STEPS_CURRENT_ROUND]).toBe(500);
    const steps = Math.ceil(500 / 32);
    for (const [name, d] of diff.params as ParamMap) {
      const delta = (model.params?.get(name) as Tensor).data as Float32Array;
      (d.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(-0.001 - (delta[i] as number) / (steps * 0.05), 4));
    }
    const second = new OnnxTrainer({ ...base, optimizer: { type: 'sgd', momentum: 0 }, return_kind: 'weight_diff' }, { pool });
    second.loadState(first.saveState());
    const { localControl } = second.saveState();
    expect(paramMapsEqual(localControl as ParamMap, diff.params as ParamMap)).toBe(true);
    const missing = new Map(control);
    missing.delete('fc0.bias');
    const bad = Shareable.fromDxo(
      new Dxo({
        kind: DataKind.COLLECTION,
        items: new Map([
          [ScaffoldKey.MODEL, new Dxo({ kind: DataKind.WEIGHTS, params: global })],
          [ScaffoldKey.CONTROL_GLOBAL, new Dxo({ kind: DataKind.WEIGHTS, params: missing })],
        ]),
      }),
    );
    await expect(second.execute('train', bad, ctx, never)).rejects.toMatchObject({ message: expect.stringContaining('"fc0.bias" is missing') });
  });

  it('stops with HEARTH_ERR_ABORTED when the task is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(new OnnxTrainer(base, { pool }).execute('train', weights(initialModel()), siteContext({ site: 'site-1' }), controller.signal)).rejects.toMatchObject({
      code: 'HEARTH_ERR_ABORTED',
    });
  });
});
