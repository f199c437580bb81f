import type { ParamMap, Tensor } from '@hearth/core';
import { tensor } from '@hearth/core';
import { logisticRegression, mlp } from '../models/builtin-models.js';
import { randomTensor } from '../testing/gradient-check.js';
import { ortSessionFactory } from '../testing/ort-harness.js';
import type { Batch } from '../trainer/batches.js';
import { Trainer } from '../trainer/trainer.js';
import { compileTrainLoop, compileTrainStep } from './compile-train.js';
import type { TrainCompileOptions } from './compile-train.js';
import type { HyperName } from './program.js';

// A tiny F64 problem: logistic regression with 3 features and 2 classes, 3 steps over batches of 4.
// The reference below is hand-written from PyTorch's update formulas, with the exact softmax
// cross-entropy gradient of a linear model. Tolerance: 1e-12 absolute per parameter element.
const FEATURES = 3;
const CLASSES = 2;
const TOL = 1e-12;

function batches(): Batch[] {
  return [0, 1, 2].map((k) => ({
    x: randomTensor('F64', [4, FEATURES], 100 + k),
    y: tensor('I64', [4], BigInt64Array.of(0n, 1n, BigInt(k % 2), 1n)),
  }));
}

type Vec = number[];
interface RefParams {
  w: Vec;
  b: Vec;
}

function gradient(p: RefParams, batch: Batch): RefParams {
  const x = batch.x.data as Float64Array;
  const y = batch.y.data as BigInt64Array;
  const n = y.length;
  const gw = new Array<number>(CLASSES * FEATURES).fill(0);
  const gb = new Array<number>(CLASSES).fill(0);
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: CLASSES }, (_, c) => {
      let s = p.b[c] ?? 0;
      for (let f = 0; f < FEATURES; f++) s += (p.w[c * FEATURES + f] ?? 0) * (x[i * FEATURES + f] ?? 0);
      return s;
    });
    const max = Math.max(...z);
    const e = z.map((v) => Math.exp(v - max));
    const sum = e.reduce((a, v) => a + v, 0);
    for (let c = 0; c < CLASSES; c++) {
      const d = ((e[c] ?? 0) / sum - (Number(y[i]) === c ? 1 : 0)) / n;
      gb[c] = (gb[c] ?? 0) + d;
      for (let f = 0; f < FEATURES; f++) gw[c * FEATURES + f] = (gw[c * FEATURES + f] ?? 0) + d * (x[i * FEATURES + f] ?? 0);
    }
  }
  return { w: gw, b: gb };
}

type Rule = (w: Vec, g: Vec, slot: Record<string, Vec>, t: number) => Vec;

function reference(start: RefParams, rule: Rule, extra: (w: Vec, key: 'w' | 'b') => Vec = (w) => w.map(() => 0)): RefParams {
  const p: RefParams = { w: [...start.w], b: [...start.b] };
  const slots: Record<'w' | 'b', Record<string, Vec>> = { w: {}, b: {} };
  batches().forEach((batch, k) => {
    const g = gradient(p, batch);
    for (const key of ['w', 'b'] as const) {
      const add = extra(p[key], key);
      p[key] = rule(
        p[key],
        g[key].map((v, i) => v + (add[i] ?? 0)),
        slots[key],
        k + 1,
      );
    }
  });
  return p;
}

async function trainProgram(options: TrainCompileOptions & { hyper: Partial<Record<HyperName, number>>; federated?: Partial<Record<'anchor' | 'control' | 'localControl', ParamMap>> }) {
  const model = logisticRegression({ features: FEATURES, classes: CLASSES, dtype: 'F64', seed: 3 });
  const trainer = await Trainer.create({ train: compileTrainStep(model, options), createSession: ortSessionFactory });
  try {
    const result = await trainer.train({ params: model.params, batches: () => batches(), hyper: options.hyper, ...options.federated });
    return { start: model.params, result };
  } finally {
    await trainer.close();
  }
}

function asRef(params: ParamMap): RefParams {
  return {
    w: Array.from(params.get('linear.weight')?.data as Float64Array),
    b: Array.from(params.get('linear.bias')?.data as Float64Array),
  };
}

function expectClose(actual: ParamMap, expected: RefParams): void {
  const got = asRef(actual);
  for (const key of ['w', 'b'] as const) {
    expected[key].forEach((v, i) => expect(Math.abs((got[key][i] ?? Number.NaN) - v)).toBeLessThanOrEqual(TOL));
  }
}

const sgd = (h: { lr: number; momentum: number; wd: number; nesterov?: boolean }): Rule => (w, g0, slot) => {
  const g = g0.map((v, i) => v + h.wd * (w[i] ?? 0));
  const buf = (slot['v'] ?? g.map(() => 0)).map((v, i) => h.momentum * v + (g[i] ?? 0));
  slot['v'] = buf;
  const step = h.nesterov === true ? g.map((v, i) => v + h.momentum * (buf[i] ?? 0)) : buf;
  return w.map((v, i) => v - h.lr * (step[i] ?? 0));
};

const adam = (h: { lr: number; b1: number; b2: number; eps: number; wd: number; decoupled: boolean }): Rule => (w0, g0, slot, t) => {
  const w = h.decoupled ? w0.map((v) => v * (1 - h.lr * h.wd)) : w0;
  const g = h.decoupled ? g0 : g0.map((v, i) => v + h.wd * (w0[i] ?? 0));
  const m = (slot['m'] ?? g.map(() => 0)).map((v, i) => h.b1 * v + (1 - h.b1) * (g[i] ?? 0));
  const v2 = (slot['v'] ?? g.map(() => 0)).map((v, i) => h.b2 * v + (1 - h.b2) * (g[i] ?? 0) ** 2);
  slot['m'] = m;
  slot['v'] = v2;
  const c1 = 1 - h.b1 ** t;
  const c2 = 1 - h.b2 ** t;
  return w.map((v, i) => v - (h.lr / c1) * ((m[i] ?? 0) / (Math.sqrt(v2[i] ?? 0) / Math.sqrt(c2) + h.eps)));
};

describe('training-step programs against hand-written reference updates (F64, 3 steps, |diff| <= 1e-12)', () => {
  it('SGD with momentum and weight decay', async () => {
    const { start, result } = await trainProgram({ optimizer: { type: 'sgd' }, hyper: { lr: 0.5, momentum: 0.8, weight_decay: 0.05 } });
    expectClose(result.params, reference(asRef(start), sgd({ lr: 0.5, momentum: 0.8, wd: 0.05 })));
    expect(result.state.get('linear.weight.velocity')?.shape).toEqual([CLASSES, FEATURES]);
  });

  it('SGD with Nesterov momentum', async () => {
    const { start, result } = await trainProgram({ optimizer: { type: 'sgd', nesterov: true }, hyper: { lr: 0.3, momentum: 0.9 } });
    expectClose(result.params, reference(asRef(start), sgd({ lr: 0.3, momentum: 0.9, wd: 0, nesterov: true })));
  });

  it('plain SGD keeps no optimizer state', async () => {
    const { start, result } = await trainProgram({ optimizer: { type: 'sgd', momentum: false }, hyper: { lr: 0.7 } });
    expectClose(result.params, reference(asRef(start), sgd({ lr: 0.7, momentum: 0, wd: 0 })));
    expect(result.state.size).toBe(0);
  });

  it('Adam with L2 weight decay', async () => {
    const hyper = { lr: 0.05, beta1: 0.8, beta2: 0.95, epsilon: 1e-6, weight_decay: 0.1 };
    const { start, result } = await trainProgram({ optimizer: { type: 'adam' }, hyper });
    expectClose(result.params, reference(asRef(start), adam({ lr: 0.05, b1: 0.8, b2: 0.95, eps: 1e-6, wd: 0.1, decoupled: false })));
    expect(Number(result.state.get('step')?.data[0])).toBe(3);
  });

  it('AdamW with decoupled weight decay', async () => {
    const hyper = { lr: 0.05, beta1: 0.9, beta2: 0.99, epsilon: 1e-8, weight_decay: 0.2 };
    const { start, result } = await trainProgram({ optimizer: { type: 'adamw' }, hyper });
    expectClose(result.params, reference(asRef(start), adam({ lr: 0.05, b1: 0.9, b2: 0.99, eps: 1e-8, wd: 0.2, decoupled: true })));
  });

  it('FedProx adds mu * (w - anchor) to the gradient', async () => {
    const anchor: ParamMap = new Map([
      ['linear.weight', randomTensor('F64', [CLASSES, FEATURES], 50)],
      ['linear.bias', randomTensor('F64', [CLASSES], 51)],
    ]);
    const { start, result } = await trainProgram({
      optimizer: { type: 'sgd', momentum: false },
      fedProx: true,
      hyper: { lr: 0.4, mu: 0.3 },
      federated: { anchor },
    });
    const a = asRef(anchor);
    const expected = reference(asRef(start), sgd({ lr: 0.4, momentum: 0, wd: 0 }), (w, key) => w.map((v, i) => 0.3 * (v - (a[key][i] ?? 0))));
    expectClose(result.params, expected);
  });

  it('SCAFFOLD adds c - c_i to the gradient', async () => {
    const control: ParamMap = new Map([
      ['linear.weight', randomTensor('F64', [CLASSES, FEATURES], 60)],
      ['linear.bias', randomTensor('F64', [CLASSES], 61)],
    ]);
    const localControl: ParamMap = new Map([
      ['linear.weight', randomTensor('F64', [CLASSES, FEATURES], 62)],
      ['linear.bias', randomTensor('F64', [CLASSES], 63)],
    ]);
    const { start, result } = await trainProgram({
      optimizer: { type: 'sgd' },
      scaffold: true,
      hyper: { lr: 0.2, momentum: 0.5 },
      federated: { control, localControl },
    });
    const c = asRef(control);
    const ci = asRef(localControl);
    const expected = reference(asRef(start), sgd({ lr: 0.2, momentum: 0.5, wd: 0 }), (w, key) => w.map((_, i) => (c[key][i] ?? 0) - (ci[key][i] ?? 0)));
    expectClose(result.params, expected);
  });

  it('rejects a missing FedProx anchor with a coded error', async () => {
    await expect(trainProgram({ optimizer: { type: 'sgd' }, fedProx: true, hyper: {} })).rejects.toMatchObject({
      code: 'HEARTH_ERR_ONNX_INVALID_FEED',
    });
  });
});

describe('K-step Loop program', () => {
  it('gives bit-identical parameters, state and per-step losses to K single steps', async () => {
    const model = mlp({ features: 4, hidden: [5], outputs: 3, activation: 'tanh', seed: 9 });
    const data: Batch[] = Array.from({ length: 5 }, (_, k) => ({
      x: randomTensor('F32', [6, 4], 200 + k),
      y: tensor('I64', [6], BigInt64Array.from({ length: 6 }, (_, i) => BigInt((i + k) % 3))),
    }));
    const options: TrainCompileOptions = { optimizer: { type: 'adam' } };
    const single = await Trainer.create({ train: compileTrainStep(model, options), createSession: ortSessionFactory });
    const looped = await Trainer.create({ train: compileTrainLoop(model, options), createSession: ortSessionFactory, stepsPerRun: 3 });
    try {
      const a = await single.train({ params: model.params, epochs: 2, batches: () => data, hyper: { lr: 0.01 } });
      const b = await looped.train({ params: model.params, epochs: 2, batches: () => data, hyper: { lr: 0.01 } });
      expect(b.steps.map((s) => s.step)).toEqual(a.steps.map((s) => s.step));
      b.steps.forEach((s, i) => {
        expect(s.loss).toBe(a.steps[i]?.loss);
        expect(s.correct).toBe(a.steps[i]?.correct);
      });
      for (const [name, t] of a.params) {
        const other = b.params.get(name) as Tensor;
        const x = t.data as Float32Array;
        const y = other.data as Float32Array;
        // Same kernels in the same order: bit-identical, not merely close.
        expect(Array.from(y)).toEqual(Array.from(x));
      }
      expect(Number(b.state.get('step')?.data[0])).toBe(10);
    } finally {
      await single.close();
      await looped.close();
    }
  });
});

describe('program descriptors', () => {
  it('name every input and output by role, with dtypes and shapes', () => {
    const model = logisticRegression({ features: 3, classes: 2 });
    const program = compileTrainStep(model, { optimizer: { type: 'adamw' }, fedProx: true, scaffold: true });
    expect(program.kind).toBe('train-step');
    expect(program.optimizer).toBe('adamw');
    expect(program.params.map((p) => [p.name, p.role, p.dtype, p.shape])).toEqual([
      ['linear.weight', 'trainable', 'F32', [2, 3]],
      ['linear.bias', 'trainable', 'F32', [2]],
    ]);
    expect(program.params.every((p) => p.output !== undefined && p.output !== p.input)).toBe(true);
    expect(program.state.map((s) => [s.name, s.slot, s.dtype])).toEqual([
      ['linear.weight.m', 'm', 'F32'],
      ['linear.weight.v', 'v', 'F32'],
      ['linear.bias.m', 'm', 'F32'],
      ['linear.bias.v', 'v', 'F32'],
      ['step', 'step', 'I64'],
    ]);
    expect(program.hyper.map((h) => [h.name, h.default])).toEqual([
      ['lr', 1e-3],
      ['beta1', 0.9],
      ['beta2', 0.999],
      ['epsilon', 1e-8],
      ['weight_decay', 0.01],
      ['mu', 0.01],
    ]);
    expect(program.federated.map((f) => f.param)).toEqual(['linear.weight', 'linear.bias']);
    expect(program.federated.every((f) => f.anchor && f.control && f.localControl)).toBe(true);
    expect(program.batch.x.shape).toEqual(['N', 3]);
    expect(program.batch.y).toMatchObject({ dtype: 'I64', shape: ['N'] });
    expect(program.outputs).toEqual({ loss: 'loss', correct: 'correct' });
    const loop = compileTrainLoop(model, { optimizer: { type: 'sgd' } });
    expect(loop.kind).toBe('train-loop');
    expect(loop.batch.x.shape).toEqual(['K', 'N', 3]);
    expect(loop.outputs).toEqual({ loss: 'losses', correct: 'corrects' });
  });
});
