import { FASHION_MNIST_SUBSET_DIR } from '@hearth/data';
import { TrainingErrorCode } from './errors.js';
import { evaluateModel } from './evaluate-model.js';
import { trainCentralized } from './train-centralized.js';
import type { EpochPoint } from './train-centralized.js';

describe('trainCentralized', () => {
  it('trains on the whole training split and reports a learning curve with test accuracy per epoch', async () => {
    const seen: EpochPoint[] = [];
    const result = await trainCentralized({
      model: { builtin: 'logistic_regression', seed: 0 },
      dataset: { name: 'fashion-mnist', dir: FASHION_MNIST_SUBSET_DIR, normalize: 'standardize' },
      epochs: 2,
      batch_size: 50,
      optimizer: { type: 'adam' },
      lr: 0.002,
      lr_schedule: { kind: 'step', step_rounds: 1, gamma: 0.5 },
      execution_providers: ['cpu'],
      onEpoch: (point) => seen.push(point),
    });
    expect(result.curve).toEqual(seen);
    expect(result.curve.map((p) => [p.epoch, p.lr])).toEqual([
      [1, 0.002],
      [2, 0.001],
    ]);
    expect(result.data).toEqual({ source: 'dir', dir: FASHION_MNIST_SUBSET_DIR, train: 2000, test: 500 });
    const last = result.curve[1] as EpochPoint;
    expect(last.test_accuracy).toBeGreaterThan(0.7);
    expect(last.train_loss).toBeLessThan((result.curve[0] as EpochPoint).train_loss);
    expect(last.samples_per_second).toBeGreaterThan(0);
    expect(result.params.get('linear.weight')?.shape).toEqual([10, 784]);
    const scored = await evaluateModel({ model: { builtin: 'logistic_regression' }, params: result.params, dataset: result.args.dataset, executionProviders: ['cpu'] });
    expect(scored).toEqual({ loss: last.test_loss, accuracy: last.test_accuracy, examples: 500, source: 'dir' });
  }, 30_000);

  it('names an invalid arg', async () => {
    await expect(
      trainCentralized({ model: { builtin: 'mlp' } as never, dataset: { name: 'fashion-mnist', normalize: 'unit' }, epochs: 0 }),
    ).rejects.toMatchObject({ code: TrainingErrorCode.INVALID_ARGS, message: expect.stringContaining('/epochs must be >= 1') });
  });
});
