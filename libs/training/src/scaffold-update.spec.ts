import { f32 } from '@hearth/core';
import { compileOptimizer } from './optimizer-spec.js';
import { scaffoldControlUpdate, scaffoldStepSize } from './scaffold-update.js';

describe('scaffoldStepSize', () => {
  it('is η for plain SGD, η / (1 − m) for SGD with momentum m, and η for Adam', () => {
    expect(scaffoldStepSize(compileOptimizer({ type: 'sgd', momentum: 0, nesterov: false, weight_decay: 0 }), 0.1)).toBe(0.1);
    expect(scaffoldStepSize(compileOptimizer({ type: 'sgd', momentum: 0.9, nesterov: false, weight_decay: 0 }), 0.01)).toBeCloseTo(0.1, 12);
    expect(scaffoldStepSize(compileOptimizer({ type: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weight_decay: 0 }), 0.001)).toBe(0.001);
  });

  it('makes option II recover the gradient from a heavy-ball run: c_i⁺ = g for a constant gradient g, after c_i = c = 0', () => {
    // K steps of heavy-ball SGD from rest with a constant gradient g move w by −η g Σ_k (1 − m^k) / (1 − m);
    // for large K that is −K η g / (1 − m), so (x − y) / (K η / (1 − m)) tends to g.
    const g = 0.5;
    const lr = 0.01;
    const momentum = 0.9;
    const steps = 2000;
    let w = 1;
    let v = 0;
    for (let k = 0; k < steps; k++) {
      v = momentum * v + g;
      w -= lr * v;
    }
    const optimizer = compileOptimizer({ type: 'sgd', momentum, nesterov: false, weight_decay: 0 });
    const zero = new Map([['w', f32([1], [0])]]);
    const { next } = scaffoldControlUpdate({
      global: new Map([['w', f32([1], [1])]]),
      local: new Map([['w', f32([1], [w])]]),
      control: zero,
      localControl: zero,
      steps,
      lr: scaffoldStepSize(optimizer, lr),
      trainable: new Map([['w', 'trainable']]),
    });
    expect(next.get('w')?.data[0]).toBeCloseTo(g, 2);
  });
});
