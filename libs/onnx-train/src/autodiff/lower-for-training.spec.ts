import { tensor } from '@hearth/core';
import { GraphBuilder } from '../graph/graph-builder.js';
import { randomTensor } from '../testing/gradient-check.js';
import { runGraph } from '../testing/ort-harness.js';
import { emitTrainingForward } from './lower-for-training.js';

describe('emitTrainingForward', () => {
  it('BatchNormalization normalizes with batch statistics and outputs blended running statistics', async () => {
    const source = new GraphBuilder();
    source.input('x', { dtype: 'F64', shape: [4, 2] });
    for (const name of ['scale', 'bias', 'mean', 'var']) source.input(name, { dtype: 'F64', shape: [2] });
    source.output(source.batchNormalization('x', { scale: 'scale', bias: 'bias', mean: 'mean', variance: 'var', epsilon: 1e-5, momentum: 0.75 }), 'y');
    const forward = source.build();

    const b = new GraphBuilder();
    for (const input of forward.inputs) b.input(input.name, input);
    const { bufferUpdates } = emitTrainingForward(b, forward.nodes);
    b.output('y');
    b.output(bufferUpdates.get('mean') ?? '', 'mean_new');
    b.output(bufferUpdates.get('var') ?? '', 'var_new');
    expect(b.nodes.some((n) => n.op === 'BatchNormalization')).toBe(false);

    const x = randomTensor('F64', [4, 2], 3);
    const feeds = {
      x,
      scale: tensor('F64', [2], Float64Array.of(2, 0.5)),
      bias: tensor('F64', [2], Float64Array.of(1, -1)),
      mean: tensor('F64', [2], Float64Array.of(0.1, 0.2)),
      var: tensor('F64', [2], Float64Array.of(1, 3)),
    };
    const out = await runGraph(b.build(), feeds);
    const xs = x.data as Float64Array;
    for (let c = 0; c < 2; c++) {
      const column = [0, 1, 2, 3].map((i) => xs[i * 2 + c] ?? 0);
      const mean = column.reduce((a, v) => a + v, 0) / 4;
      const variance = column.reduce((a, v) => a + (v - mean) ** 2, 0) / 4;
      const scale = [2, 0.5][c] ?? 0;
      const bias = [1, -1][c] ?? 0;
      column.forEach((v, i) => {
        const y = (out['y']?.data as Float64Array)[i * 2 + c] ?? Number.NaN;
        expect(y).toBeCloseTo(((v - mean) / Math.sqrt(variance + 1e-5)) * scale + bias, 12);
      });
      expect((out['mean_new']?.data as Float64Array)[c]).toBeCloseTo(([0.1, 0.2][c] ?? 0) * 0.75 + mean * 0.25, 12);
      expect((out['var_new']?.data as Float64Array)[c]).toBeCloseTo(([1, 3][c] ?? 0) * 0.75 + variance * 0.25, 12);
    }
  });

  it('Dropout runs in training mode with a seeded mask output; MaxPool gains its Indices output', () => {
    const source = new GraphBuilder();
    source.input('x', { dtype: 'F32', shape: ['N', 1, 4, 4] });
    const [pooled] = source.maxPool('x', { kernel: [2, 2], strides: [2, 2] });
    const [dropped] = source.dropout(pooled as string, { ratio: 0.25 });
    source.output(dropped as string, 'y');
    const forward = source.build();
    const b = new GraphBuilder();
    b.input('x', { dtype: 'F32', shape: ['N', 1, 4, 4] });
    for (const [name, value] of forward.initializers) b.initializer(name, value);
    emitTrainingForward(b, forward.nodes, { dropoutSeed: 42 });
    const pool = b.nodes.find((n) => n.op === 'MaxPool');
    const drop = b.nodes.find((n) => n.op === 'Dropout');
    expect(pool?.outputs).toHaveLength(2);
    expect(b.typeOf(pool?.outputs[1] ?? '')).toEqual({ dtype: 'I64', shape: ['N', 1, 2, 2] });
    expect(drop?.attrs['seed']).toEqual({ kind: 'int', value: 42 });
    expect(drop?.inputs).toHaveLength(3);
    expect(b.constantValue(drop?.inputs[2] ?? '')?.data[0]).toBe(1);
    expect(b.typeOf(drop?.outputs[1] ?? '').dtype).toBe('BOOL');
  });
});
