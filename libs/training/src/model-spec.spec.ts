import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor } from '@hearth/core';
import { GraphBuilder, serializeModel } from '@hearth/onnx-train';
import { TrainingErrorCode } from './errors.js';
import { prepareModel } from './model-spec.js';

const fashion = { features: 784, classes: 10 };

/** A PyTorch-style export: x [N, 1, 28, 28] -> Flatten -> Gemm(W [classes, 784], b) -> logits. */
function linearOnnx(classes: number): Uint8Array {
  const b = new GraphBuilder({ name: 'linear' });
  const x = b.input('x', { dtype: 'F32', shape: [1, 1, 28, 28] });
  const w = b.initializer('fc.weight', tensor('F32', [classes, 784], new Float32Array(classes * 784).fill(0.01)));
  const bias = b.initializer('fc.bias', tensor('F32', [classes], new Float32Array(classes)));
  b.output(b.gemm(b.flatten(x), w, { c: bias, transB: true }), 'logits');
  return serializeModel(b.build());
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-model-spec-'));
  await writeFile(join(dir, 'linear.onnx'), linearOnnx(10));
  await writeFile(join(dir, 'five.onnx'), linearOnnx(5));
  await writeFile(join(dir, 'broken.onnx'), 'not onnx');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('prepareModel', () => {
  it('sizes the built-in models to the dataset and says how one example is shaped', async () => {
    const cnn = await prepareModel({ spec: { builtin: 'fashion_mnist_cnn', seed: 0, dropout: 0 }, target: fashion });
    expect(cnn.exampleShape).toEqual([1, 28, 28]);
    expect(cnn.stochastic).toBe(false);
    const net = await prepareModel({ spec: { builtin: 'mlp', hidden: [32, 16], activation: 'tanh', seed: 2, dropout: 0.1 }, target: fashion });
    expect(net.exampleShape).toEqual([784]);
    expect(net.stochastic).toBe(true);
    expect(net.model.params.get('fc0.weight')?.shape).toEqual([32, 784]);
    expect(net.model.params.get('fc2.weight')?.shape).toEqual([10, 16]);
    const logreg = await prepareModel({ spec: { builtin: 'logistic_regression', seed: 0 }, target: fashion });
    expect([...logreg.model.params.keys()]).toEqual(['linear.weight', 'linear.bias']);
  });

  it('imports an ONNX file relative to the job folder, once per process', async () => {
    const spec = { onnx_file: 'linear.onnx' };
    const first = await prepareModel({ spec, target: fashion, jobDir: dir });
    expect(first.exampleShape).toEqual([1, 28, 28]);
    expect([...first.model.params.keys()]).toEqual(['fc.weight', 'fc.bias']);
    expect(await prepareModel({ spec, target: fashion, jobDir: dir })).toBe(first);
  });

  it('fails with coded errors naming the file or the mismatch', async () => {
    await expect(prepareModel({ spec: { onnx_file: 'missing.onnx' }, target: fashion, jobDir: dir })).rejects.toMatchObject({
      code: TrainingErrorCode.INVALID_MODEL,
      message: expect.stringContaining(join(dir, 'missing.onnx')),
    });
    await expect(prepareModel({ spec: { onnx_file: 'broken.onnx' }, target: fashion, jobDir: dir })).rejects.toMatchObject({ code: TrainingErrorCode.INVALID_MODEL });
    await expect(prepareModel({ spec: { onnx_file: 'five.onnx' }, target: fashion, jobDir: dir })).rejects.toMatchObject({
      code: TrainingErrorCode.MODEL_DATA_MISMATCH,
      message: expect.stringContaining('predicts 5 classes, but the dataset has 10'),
    });
    await expect(prepareModel({ spec: { builtin: 'fashion_mnist_cnn', seed: 0, dropout: 0 }, target: { features: 100, classes: 10 } })).rejects.toMatchObject({
      code: TrainingErrorCode.MODEL_DATA_MISMATCH,
      message: expect.stringContaining('examples of shape [1, 28, 28], but the dataset has 100 values per example'),
    });
  });
});
