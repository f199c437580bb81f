import { tensor } from '@hearth/core';
import { isHearthError } from '@hearth/core';
import { GraphBuilder } from '../graph/graph-builder.js';
import { OnnxTrainErrorCode } from '../errors.js';
import { gradientCheck, randomTensor } from '../testing/gradient-check.js';
import { buildGradients } from './build-gradients.js';

// Tolerances: ops with F64 CPU kernels (MatMul, Gemm, MaxPool, Dropout, SoftmaxCrossEntropyLoss, the
// BatchNormalization decomposition) are checked in double precision with eps 1e-6 and
// |analytic - numeric| <= 1e-7 + 1e-5 * |numeric|. ORT's CPU Conv, ConvTranspose, AveragePool and
// GlobalAveragePool exist only for float32, so those run in F32 with eps 1e-2 and the looser
// |analytic - numeric| <= 2e-3 + 2e-2 * |numeric|.
const f64 = { rtol: 1e-5, atol: 1e-7 };
const f32 = { rtol: 2e-2, atol: 2e-3 };

describe('linear-algebra vector-Jacobian rules', () => {
  it('MatMul with a batched left operand reduces the right gradient over the batch', async () => {
    const result = await gradientCheck({
      inputs: { a: randomTensor('F64', [2, 3, 4], 1), b: randomTensor('F64', [4, 5], 2) },
      wrt: ['a', 'b'],
      forward: (g) => g.matMul('a', 'b'),
      ...f64,
    });
    expect(result.worst).toBeLessThanOrEqual(1);
  });

  it.each([
    [false, false, [3, 4], [4, 2]],
    [true, false, [4, 3], [4, 2]],
    [false, true, [3, 4], [2, 4]],
    [true, true, [4, 3], [2, 4]],
  ])('Gemm transA=%s transB=%s with alpha, beta and a broadcast C', async (transA, transB, aShape, bShape) => {
    const result = await gradientCheck({
      inputs: { a: randomTensor('F64', aShape, 3), b: randomTensor('F64', bShape, 4), c: randomTensor('F64', [2], 5) },
      wrt: ['a', 'b', 'c'],
      forward: (g) => g.gemm('a', 'b', { c: 'c', alpha: 0.7, beta: 1.3, transA, transB }),
      ...f64,
    });
    expect(result.worst).toBeLessThanOrEqual(1);
  });
});

describe('convolution and pooling vector-Jacobian rules', () => {
  it.each([
    ['stride 1, no padding', {}],
    ['stride 2, asymmetric padding', { strides: [2, 2], pads: [1, 0, 0, 1] }],
    ['dilation 2, padding 1', { dilations: [2, 2], pads: [1, 1, 1, 1] }],
  ])('Conv with %s (F32)', async (_label, window) => {
    const result = await gradientCheck({
      inputs: { x: randomTensor('F32', [2, 2, 5, 5], 6), w: randomTensor('F32', [3, 2, 3, 3], 7), bias: randomTensor('F32', [3], 8) },
      wrt: ['x', 'w', 'bias'],
      forward: (g) => g.conv('x', 'w', { bias: 'bias', ...window }),
      ...f32,
    });
    expect(result.worst).toBeLessThanOrEqual(1);
  });

  it('MaxPool with overlapping windows and padding (F64)', async () => {
    const result = await gradientCheck({
      inputs: { x: randomTensor('F64', [2, 2, 5, 5], 9) },
      wrt: ['x'],
      forward: (g) => g.maxPool('x', { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] })[0] as string,
      ...f64,
    });
    expect(result.worst).toBeLessThanOrEqual(1);
  });

  it.each([
    ['count_include_pad 0', false, false],
    ['count_include_pad 1', true, false],
    ['ceil_mode', false, true],
  ])('AveragePool with padding, %s (F32)', async (_label, countIncludePad, ceilMode) => {
    const result = await gradientCheck({
      inputs: { x: randomTensor('F32', [1, 2, 5, 5], 10) },
      wrt: ['x'],
      forward: (g) => g.averagePool('x', { kernel: [2, 2], strides: [2, 2], pads: [1, 1, 0, 0], countIncludePad, ceilMode }),
      ...f32,
    });
    expect(result.worst).toBeLessThanOrEqual(1);
  });

  it('GlobalAveragePool (F32)', async () => {
    const result = await gradientCheck({
      inputs: { x: randomTensor('F32', [2, 3, 4, 4], 11) },
      wrt: ['x'],
      forward: (g) => g.globalAveragePool('x'),
      ...f32,
    });
    expect(result.worst).toBeLessThanOrEqual(1);
  });
});

describe('training-mode and loss vector-Jacobian rules', () => {
  it('Dropout in training mode reuses its seeded mask in the backward pass (F64)', async () => {
    const result = await gradientCheck({
      inputs: { x: randomTensor('F64', [4, 6], 12) },
      wrt: ['x'],
      forward: (g) => g.dropout(g.tanh('x'), { ratio: 0.3 })[0] as string,
      freshSession: true,
      ...f64,
    });
    expect(result.worst).toBeLessThanOrEqual(1);
    const zeros = (result.analytic['x'] ?? []).filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThan(0);
    expect(zeros).toBeLessThan(24);
  });

  it('BatchNormalization in training mode (batch statistics) for X, scale and bias (F64)', async () => {
    const result = await gradientCheck({
      inputs: {
        x: randomTensor('F64', [3, 2, 2, 2], 13),
        scale: randomTensor('F64', [2], 14),
        bias: randomTensor('F64', [2], 15),
        mean: randomTensor('F64', [2], 16),
        variance: tensor('F64', [2], Float64Array.of(1, 2)),
      },
      wrt: ['x', 'scale', 'bias'],
      forward: (g) => g.batchNormalization('x', { scale: 'scale', bias: 'bias', mean: 'mean', variance: 'variance' }),
      ...f64,
    });
    expect(result.worst).toBeLessThanOrEqual(1);
  });

  it.each(['mean', 'sum', 'none'] as const)('SoftmaxCrossEntropyLoss with integer labels, reduction %s (F64)', async (reduction) => {
    const result = await gradientCheck({
      inputs: { z: randomTensor('F64', [4, 3], 17), labels: tensor('I64', [4], BigInt64Array.of(0n, 2n, 1n, 2n)) },
      wrt: ['z'],
      forward: (g) => g.softmaxCrossEntropyLoss('z', 'labels', { reduction })[0] as string,
      ...f64,
    });
    expect(result.worst).toBeLessThanOrEqual(1);
  });

  it('mean squared error built from Sub, Mul and ReduceMean (F64)', async () => {
    const result = await gradientCheck({
      inputs: { p: randomTensor('F64', [4, 2], 18), t: randomTensor('F64', [4, 2], 19) },
      wrt: ['p', 't'],
      forward: (g) => {
        const d = g.sub('p', 't');
        return g.reduceMean(g.mul(d, d));
      },
      ...f64,
    });
    expect(result.worst).toBeLessThanOrEqual(1);
  });
});

describe('buildGradients', () => {
  it('names the op and the node when a rule is missing', () => {
    const b = new GraphBuilder();
    b.input('x', { dtype: 'F32', shape: [2, 3] });
    const y = b.op('ReduceMax', ['x'], {});
    let caught: unknown;
    try {
      buildGradients(b, { loss: y, wrt: ['x'] });
    } catch (err) {
      caught = err;
    }
    expect(isHearthError(caught, OnnxTrainErrorCode.NO_GRADIENT)).toBe(true);
    expect(String((caught as Error).message)).toMatch(/node "ReduceMax_\d+" \(ReduceMax\)/);
  });

  it('gives zeros for a parameter the loss does not use', async () => {
    const result = await gradientCheck({
      inputs: { x: randomTensor('F64', [2], 20), unused: randomTensor('F64', [3], 21) },
      wrt: ['x', 'unused'],
      forward: (g) => g.tanh('x'),
      ...f64,
    });
    expect(result.analytic['unused']).toEqual([0, 0, 0]);
    expect(result.worst).toBeLessThanOrEqual(1);
  });
});
