import type { ParamMap } from '@hearth/core';
import { paramMapsEqual, tensor } from '@hearth/core';
import { compileEval } from '../compile/compile-eval.js';
import { compileTrainLoop, compileTrainStep } from '../compile/compile-train.js';
import type { Model } from '../compile/model.js';
import { OnnxTrainErrorCode } from '../errors.js';
import { fashionMnistCnn, logisticRegression, mlp } from '../models/builtin-models.js';
import { SeededRandom } from '@hearth/core';
import { ortSessionFactory } from '../testing/ort-harness.js';
import type { Batch } from './batches.js';
import { Trainer } from './trainer.js';

/** Two interleaved noisy rings: not linearly separable, so the MLP has to learn a curved boundary. */
function rings(options: { seed: number; batches: number; size: number }): Batch[] {
  const random = new SeededRandom(options.seed);
  return Array.from({ length: options.batches }, () => {
    const x = new Float32Array(options.size * 2);
    const y = new BigInt64Array(options.size);
    for (let i = 0; i < options.size; i++) {
      const label = random.nextFloat() < 0.5 ? 0 : 1;
      const radius = (label === 0 ? 0.5 : 1.5) + random.nextUniform(-0.25, 0.25);
      const angle = random.nextUniform(0, 2 * Math.PI);
      x[2 * i] = radius * Math.cos(angle);
      x[2 * i + 1] = radius * Math.sin(angle);
      y[i] = BigInt(label);
    }
    return { x: tensor('F32', [options.size, 2], x), y: tensor('I64', [options.size], y) };
  });
}

async function withTrainer<T>(options: { model: Model; loop?: boolean; stepsPerRun?: number; dropoutSeed?: number }, use: (t: Trainer) => Promise<T>): Promise<T> {
  const compile = options.loop === true ? compileTrainLoop : compileTrainStep;
  const trainer = await Trainer.create({
    train: compile(options.model, { optimizer: { type: 'adam' }, dropoutSeed: options.dropoutSeed }),
    evaluate: compileEval(options.model),
    createSession: ortSessionFactory,
    stepsPerRun: options.stepsPerRun,
  });
  try {
    return await use(trainer);
  } finally {
    await trainer.close();
  }
}

describe('Trainer', () => {
  it('trains an MLP on a synthetic problem: the loss falls and held-out accuracy is high', async () => {
    const model = mlp({ features: 2, hidden: [16], outputs: 2, seed: 1 });
    const train = rings({ seed: 2, batches: 8, size: 32 });
    const test = rings({ seed: 3, batches: 2, size: 64 });
    await withTrainer({ model, loop: true, stepsPerRun: 4 }, async (trainer) => {
      const before = await trainer.evaluate({ params: model.params, batches: test });
      const result = await trainer.train({ params: model.params, epochs: 30, batches: () => train, hyper: { lr: 0.02 } });
      const after = await trainer.evaluate({ params: result.params, batches: test });
      expect(result.steps).toHaveLength(240);
      const first = result.steps.slice(0, 8).reduce((a, s) => a + s.loss, 0) / 8;
      const last = result.steps.slice(-8).reduce((a, s) => a + s.loss, 0) / 8;
      expect(last).toBeLessThan(first * 0.3);
      expect(after.loss).toBeLessThan(before.loss);
      expect(after.accuracy).toBeGreaterThan(0.95);
      expect(after.examples).toBe(128);
    });
  });

  it('is deterministic: the same seeds give bit-identical parameters (with seeded dropout)', async () => {
    const run = async (seed: number): Promise<ParamMap> => {
      const model = mlp({ features: 2, hidden: [8, 8], outputs: 2, dropout: 0.2, seed });
      return withTrainer({ model, dropoutSeed: 5 }, async (t) => (await t.train({ params: model.params, epochs: 2, batches: () => rings({ seed: 4, batches: 4, size: 16 }) })).params);
    };
    const a = await run(7);
    const b = await run(7);
    const c = await run(8);
    expect(paramMapsEqual(a, b)).toBe(true);
    expect(paramMapsEqual(a, c)).toBe(false);
  });

  it('runs a smaller last batch in its own Loop run', async () => {
    const model = logisticRegression({ features: 2, classes: 2, seed: 1 });
    const data = [...rings({ seed: 5, batches: 3, size: 8 }), ...rings({ seed: 6, batches: 1, size: 3 })];
    await withTrainer({ model, loop: true, stepsPerRun: 2 }, async (trainer) => {
      const result = await trainer.train({ params: model.params, batches: () => data });
      expect(result.steps.map((s) => s.examples)).toEqual([8, 8, 8, 3]);
      expect(result.steps.every((s) => Number.isFinite(s.loss) && s.correct !== undefined)).toBe(true);
    });
  });

  it('trains a regression MLP with mean squared error', async () => {
    const model = mlp({ features: 1, hidden: [16], outputs: 1, activation: 'tanh', loss: 'mse', seed: 2 });
    const random = new SeededRandom(9);
    const data: Batch[] = Array.from({ length: 4 }, () => {
      const x = Float32Array.from({ length: 16 }, () => random.nextUniform(-2, 2));
      return { x: tensor('F32', [16, 1], x), y: tensor('F32', [16, 1], x.map((v) => Math.sin(v))) };
    });
    await withTrainer({ model }, async (trainer) => {
      const result = await trainer.train({ params: model.params, epochs: 60, batches: () => data, hyper: { lr: 0.02 } });
      expect(result.steps.at(-1)?.loss).toBeLessThan((result.steps[0]?.loss ?? 0) * 0.1);
      expect(result.steps[0]?.correct).toBeUndefined();
      const evaluation = await trainer.evaluate({ params: result.params, batches: data });
      expect(evaluation.accuracy).toBeUndefined();
    });
  });

  it('trains the Fashion-MNIST CNN graph end to end on a few synthetic images', async () => {
    const model = fashionMnistCnn({ seed: 3 });
    const random = new SeededRandom(10);
    const labels = [0, 1, 2, 3];
    const x = new Float32Array(4 * 28 * 28);
    labels.forEach((label, i) => {
      for (let p = 0; p < 28 * 28; p++) x[i * 784 + p] = (Math.floor(p / 28) % 4 === label ? 1 : 0) + random.nextUniform(0, 0.1);
    });
    const batch = { x: tensor('F32', [4, 1, 28, 28], x), y: tensor('I64', [4], BigInt64Array.from(labels, (l) => BigInt(l))) };
    await withTrainer({ model }, async (trainer) => {
      const result = await trainer.train({ params: model.params, epochs: 12, batches: () => [batch], hyper: { lr: 0.001 } });
      expect(result.steps.at(-1)?.loss).toBeLessThan((result.steps[0]?.loss ?? 0) * 0.5);
      expect((await trainer.evaluate({ params: result.params, batches: [batch] })).accuracy).toBe(1);
    });
  });

  it('rejects a parameter of the wrong shape and a missing parameter with coded errors', async () => {
    const model = logisticRegression({ features: 2, classes: 2 });
    await withTrainer({ model }, async (trainer) => {
      const wrong = new Map(model.params);
      wrong.set('linear.weight', tensor('F32', [2, 3], new Float32Array(6)));
      await expect(trainer.train({ params: wrong, batches: () => [] })).rejects.toMatchObject({ code: OnnxTrainErrorCode.INVALID_FEED });
      const missing = new Map(model.params);
      missing.delete('linear.bias');
      await expect(trainer.train({ params: missing, batches: () => [] })).rejects.toMatchObject({
        code: OnnxTrainErrorCode.INVALID_FEED,
        message: expect.stringContaining('"linear.bias"'),
      });
      const badBatch = { x: tensor('F32', [2, 3], new Float32Array(6)), y: tensor('I64', [2], new BigInt64Array(2)) };
      await expect(trainer.train({ params: model.params, batches: () => [badBatch] })).rejects.toMatchObject({ code: OnnxTrainErrorCode.INVALID_FEED });
    });
  });

  it('stops between runs when aborted, and refuses work after close', async () => {
    const model = logisticRegression({ features: 2, classes: 2 });
    const trainer = await Trainer.create({ train: compileTrainStep(model, { optimizer: { type: 'sgd' } }), createSession: ortSessionFactory });
    const controller = new AbortController();
    const data = rings({ seed: 1, batches: 3, size: 4 });
    function* abortAfterFirst(): Generator<Batch> {
      yield data[0] as Batch;
      controller.abort();
      yield data[1] as Batch;
    }
    await expect(trainer.train({ params: model.params, batches: abortAfterFirst, signal: controller.signal })).rejects.toMatchObject({
      code: 'HEARTH_ERR_ABORTED',
    });
    await expect(trainer.evaluate({ params: model.params, batches: [] })).rejects.toMatchObject({ code: OnnxTrainErrorCode.INVALID_OPTIONS });
    await trainer.close();
    await trainer.close();
    await expect(trainer.train({ params: model.params, batches: () => data })).rejects.toMatchObject({ code: OnnxTrainErrorCode.CLOSED });
  });

  it('continues from returned optimizer state', async () => {
    const model = logisticRegression({ features: 2, classes: 2, seed: 4 });
    const data = rings({ seed: 8, batches: 2, size: 8 });
    await withTrainer({ model }, async (trainer) => {
      const once = await trainer.train({ params: model.params, epochs: 2, batches: () => data });
      const half = await trainer.train({ params: model.params, epochs: 1, batches: () => data });
      const resumed = await trainer.train({ params: half.params, state: half.state, epochs: 1, batches: () => data });
      expect(paramMapsEqual(resumed.params, once.params)).toBe(true);
    });
  });
});
