import type { Tensor } from '@hearth/core';
import { numelOf, paramMapsEqual } from '@hearth/core';
import { OnnxTrainErrorCode } from '../errors.js';
import { fashionMnistCnn, logisticRegression, mlp } from './builtin-models.js';

function count(params: Map<string, Tensor>): number {
  let n = 0;
  for (const t of params.values()) n += numelOf(t.shape);
  return n;
}

describe('built-in models', () => {
  it('the Fashion-MNIST CNN has the documented layers and 421,642 parameters', () => {
    const model = fashionMnistCnn({ seed: 1 });
    expect([...model.params.keys()]).toEqual(['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(model.params.get('fc1.weight')?.shape).toEqual([128, 3136]);
    expect(count(model.params)).toBe(421_642);
    expect(model.graph.outputs[0]).toEqual({ name: 'logits', dtype: 'F32', shape: ['N', 10] });
  });

  it('initialises deterministically per seed, within the He and Glorot bounds, with zero biases', () => {
    const a = mlp({ features: 10, hidden: [20], outputs: 3, seed: 5 });
    expect(paramMapsEqual(a.params, mlp({ features: 10, hidden: [20], outputs: 3, seed: 5 }).params)).toBe(true);
    expect(paramMapsEqual(a.params, mlp({ features: 10, hidden: [20], outputs: 3, seed: 6 }).params)).toBe(false);
    const he = Math.sqrt(6 / 10);
    const hidden = Array.from(a.params.get('fc0.weight')?.data as Float32Array);
    expect(Math.max(...hidden.map(Math.abs))).toBeLessThanOrEqual(he);
    expect(Math.max(...hidden.map(Math.abs))).toBeGreaterThan(he * 0.8);
    const glorot = Math.sqrt(6 / (20 + 3));
    expect(Math.max(...Array.from(a.params.get('fc1.weight')?.data as Float32Array).map(Math.abs))).toBeLessThanOrEqual(glorot);
    expect(Array.from(a.params.get('fc0.bias')?.data as Float32Array).every((v) => v === 0)).toBe(true);
  });

  it('logistic regression in F64', () => {
    const model = logisticRegression({ features: 4, classes: 3, dtype: 'F64' });
    expect(model.params.get('linear.weight')?.dtype).toBe('F64');
    expect(model.roles.get('linear.weight')).toBe('trainable');
  });

  it('rejects invalid sizes with a coded error', () => {
    expect(() => mlp({ features: 0, hidden: [4], outputs: 2 })).toThrow(expect.objectContaining({ code: OnnxTrainErrorCode.INVALID_OPTIONS }));
    expect(() => logisticRegression({ features: 3, classes: 1.5 })).toThrow(expect.objectContaining({ code: OnnxTrainErrorCode.INVALID_OPTIONS }));
  });
});
