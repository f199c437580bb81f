import { DataKind, Dxo, f32, f64, isHearthError, tensor } from '@hearth/core';
import type { DataKindValue, ParamMap, Tensor } from '@hearth/core';
import { AlgorithmsErrorCode } from './errors.js';
import { ServerOptimizer } from './server-optimizer.js';
import { serverContext } from './testing/server-context.js';
import type { ServerOptimizerOptions } from './server-optimizer-options.js';

const ctx = serverContext();

function params(entries: Record<string, Tensor>): ParamMap {
  return new Map(Object.entries(entries));
}

function step(optimizer: ServerOptimizer, input: { global: ParamMap; update: ParamMap; kind?: DataKindValue; round?: number }): ParamMap {
  const aggregate = new Dxo({ kind: input.kind ?? DataKind.WEIGHT_DIFF, params: input.update });
  return optimizer.updateModel({ global: input.global, aggregate, round: input.round ?? 0 }, ctx);
}

function values(map: ParamMap, name: string): number[] {
  return Array.from(map.get(name)?.data as Float64Array | Float32Array);
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isHearthError(err) ? err.code : 'not a HearthError';
  }
  return undefined;
}

const adaptive = (optimizer: 'adam' | 'yogi' | 'adagrad'): ServerOptimizerOptions => ({ optimizer, learningRate: 0.1, beta2: 0.99, tau: 0.001 });

describe('ServerOptimizer', () => {
  it('takes one FedAdam step by hand: m = 0.1 Δ, v = 0.99 τ² + 0.01 Δ², x + η m / (√v + τ)', () => {
    // x = [1, 2], Δ = [0.5, -1], η = 0.1, β1 = 0.9, β2 = 0.99, τ = 0.001, v₋₁ = τ² = 1e-6.
    // m = [0.05, -0.1]; v = [0.00250099, 0.01000099]; √v + τ = [0.0510099, 0.10100495];
    // x' = [1 + 0.005 / 0.0510099, 2 − 0.01 / 0.10100495] = [1.0980202, 1.9009950].
    const optimizer = new ServerOptimizer(adaptive('adam'));
    const next = step(optimizer, { global: params({ w: f64([2], [1, 2]) }), update: params({ w: f64([2], [0.5, -1]) }) });
    expect(values(next, 'w')[0]).toBeCloseTo(1.0980202, 7);
    expect(values(next, 'w')[1]).toBeCloseTo(1.900995, 6);
    const state = optimizer.saveState();
    expect(values(state, 'm:w')).toEqual([0.05, -0.1].map((v) => expect.closeTo(v, 15)));
    expect(values(state, 'v:w')[0]).toBeCloseTo(0.00250099, 12);
    expect(values(state, 'v:w')[1]).toBeCloseTo(0.01000099, 12);
  });

  it('gives the same step for a WEIGHTS aggregate as for the equivalent WEIGHT_DIFF', () => {
    const global = params({ w: f64([2], [1, 2]) });
    const fromDiff = step(new ServerOptimizer(adaptive('adam')), { global, update: params({ w: f64([2], [0.5, -1]) }) });
    const fromWeights = step(new ServerOptimizer(adaptive('adam')), { global, update: params({ w: f64([2], [1.5, 1]) }), kind: DataKind.WEIGHTS });
    expect(values(fromWeights, 'w')).toEqual(values(fromDiff, 'w'));
  });

  it('takes two FedYogi steps by hand; the second shrinks v where Adam would decay it', () => {
    // x = 0, η = 0.1, τ = 0.001, v₋₁ = 1e-6.
    // Round 1, Δ = 1: m = 0.1; v − Δ² < 0 so v = 1e-6 + 0.01 = 0.010001; x = 0.01 / (0.100005 + 0.001) = 0.0990050.
    // Round 2, Δ = 0.05: m = 0.095; v − Δ² > 0 so v = 0.010001 − 0.01 · 0.0025 = 0.009976
    // (Adam: 0.00992599); x = 0.0990050 + 0.0095 / (0.0998799 + 0.001) = 0.1931764.
    const optimizer = new ServerOptimizer(adaptive('yogi'));
    const first = step(optimizer, { global: params({ w: f64([1], [0]) }), update: params({ w: f64([1], [1]) }) });
    expect(values(first, 'w')[0]).toBeCloseTo(0.099005, 6);
    expect(values(optimizer.saveState(), 'v:w')[0]).toBeCloseTo(0.010001, 12);
    const second = step(optimizer, { global: first, update: params({ w: f64([1], [0.05]) }), round: 1 });
    expect(values(optimizer.saveState(), 'v:w')[0]).toBeCloseTo(0.009976, 12);
    expect(values(optimizer.saveState(), 'm:w')[0]).toBeCloseTo(0.095, 12);
    expect(values(second, 'w')[0]).toBeCloseTo(0.1931764, 7);
  });

  it('takes a FedAdagrad step by hand with its default β1 = 0: x + η Δ / (√(τ² + Δ²) + τ)', () => {
    // x = 0, Δ = 2, η = 0.01 (default), τ = 0.001: 0.02 / (2.00000025 + 0.001) = 0.00999500.
    const optimizer = new ServerOptimizer({ optimizer: 'adagrad' });
    expect(optimizer.options).toMatchObject({ learningRate: 0.01, beta1: 0, tau: 0.001, initialAccumulator: 1e-6 });
    const next = step(optimizer, { global: params({ w: f64([1], [0]) }), update: params({ w: f64([1], [2]) }) });
    expect(values(next, 'w')[0]).toBeCloseTo(0.009995, 8);
    const again = step(optimizer, { global: next, update: params({ w: f64([1], [2]) }) });
    expect(values(optimizer.saveState(), 'v:w')[0]).toBeCloseTo(8.000001, 10);
    expect(values(again, 'w')[0]).toBeCloseTo(0.009995 + 0.02 / (Math.sqrt(8.000001) + 0.001), 8);
  });

  it('applies FedAvgM momentum over two rounds by hand: v = 0.5 then 0.9·0.5 + 0.25 = 0.7', () => {
    // η = 1, β = 0.9, x = 1. Round 1: the clients average to 1.5 (Δ = 0.5): v = 0.5, x = 1.5.
    // Round 2: they average to 1.75 (Δ = 0.25): v = 0.45 + 0.25 = 0.7, x = 2.2 (FedAvg would give 1.75).
    const optimizer = new ServerOptimizer({ optimizer: 'sgd', momentum: 0.9 });
    const first = step(optimizer, { global: params({ w: f64([1], [1]) }), update: params({ w: f64([1], [1.5]) }), kind: DataKind.WEIGHTS });
    expect(values(first, 'w')).toEqual([1.5]);
    const second = step(optimizer, { global: first, update: params({ w: f64([1], [1.75]) }), kind: DataKind.WEIGHTS, round: 1 });
    expect(values(optimizer.saveState(), 'velocity:w')[0]).toBeCloseTo(0.7, 15);
    expect(values(second, 'w')[0]).toBeCloseTo(2.2, 15);
  });

  it('is plain FedAvg with its defaults and keeps no state', () => {
    const optimizer = new ServerOptimizer();
    const next = step(optimizer, { global: params({ w: f64([2], [1, 1]) }), update: params({ w: f64([2], [3, -1]) }), kind: DataKind.WEIGHTS });
    expect(values(next, 'w')).toEqual([3, -1]);
    expect(optimizer.saveState().size).toBe(0);
  });

  it('writes F32 results into new arrays and leaves the global model and the aggregate untouched', () => {
    const global = params({ w: f32([3], [1, 2, 3]) });
    const update = params({ w: f32([3], [1, 1, 1]) });
    const next = step(new ServerOptimizer({ optimizer: 'sgd', learningRate: 0.5 }), { global, update });
    expect(next.get('w')?.dtype).toBe('F32');
    expect(next.get('w')?.data).toEqual(Float32Array.from([1.5, 2.5, 3.5]));
    expect(global.get('w')?.data).toEqual(Float32Array.from([1, 2, 3]));
    expect(update.get('w')?.data).toEqual(Float32Array.from([1, 1, 1]));
    expect(next.get('w')?.data.buffer).not.toBe(global.get('w')?.data.buffer);
  });

  it('keeps tensors the aggregate leaves out and takes integer tensors of a WEIGHTS aggregate as they are', () => {
    const steps = tensor('I64', [1], BigInt64Array.from([5n]));
    const newSteps = tensor('I64', [1], BigInt64Array.from([9n]));
    const global = params({ a: f64([1], [1]), b: f64([1], [7]), steps });
    const next = step(new ServerOptimizer({ learningRate: 0.5 }), { global, update: params({ a: f64([1], [3]), steps: newSteps }), kind: DataKind.WEIGHTS });
    expect([...next.keys()]).toEqual(['a', 'b', 'steps']);
    expect(values(next, 'a')).toEqual([2]);
    expect(next.get('b')).toBe(global.get('b'));
    expect(next.get('steps')).toBe(newSteps);
  });

  it.each([
    ['a name the model lacks', { w: f64([1], [1]), extra: f64([1], [1]) }, DataKind.WEIGHT_DIFF, /names extra, which the global model does not have/],
    ['another shape', { w: f64([1, 1], [1]) }, DataKind.WEIGHT_DIFF, /has w as F64\[1, 1\] but the global model has F64\[1\]/],
    ['another dtype', { w: f32([1], [1]) }, DataKind.WEIGHT_DIFF, /has w as F32\[1\]/],
    ['an integer delta', { n: tensor('I32', [1], Int32Array.from([1])) }, DataKind.WEIGHT_DIFF, /cannot add a WEIGHT_DIFF to n of dtype I32/],
    ['a half-precision tensor', { h: tensor('F16', [1], Uint16Array.from([0x3c00])) }, DataKind.WEIGHTS, /h is F16; server optimizers step F32 and F64/],
  ])('refuses an aggregate with %s and leaves its state untouched', (_name, update, kind, message) => {
    const global = params({ w: f64([1], [0]), n: tensor('I32', [1], Int32Array.from([0])), h: tensor('F16', [1], Uint16Array.from([0])) });
    const optimizer = new ServerOptimizer(adaptive('adam'));
    const fresh = new ServerOptimizer(adaptive('adam'));
    expect(() => step(optimizer, { global, update: params(update), kind })).toThrow(message);
    expect(codeOf(() => step(optimizer, { global, update: params(update), kind }))).toBe(AlgorithmsErrorCode.MODEL_MISMATCH);
    const good = params({ w: f64([1], [0.5]) });
    expect(values(step(optimizer, { global, update: good }), 'w')).toEqual(values(step(fresh, { global, update: good }), 'w'));
  });

  it('refuses a METRICS aggregate', () => {
    const aggregate = new Dxo({ kind: DataKind.METRICS, values: { loss: 1 } });
    const optimizer = new ServerOptimizer();
    expect(codeOf(() => optimizer.updateModel({ global: params({ w: f64([1], [0]) }), aggregate, round: 0 }, ctx))).toBe(AlgorithmsErrorCode.MODEL_MISMATCH);
  });

  it.each(['adam', 'yogi', 'adagrad'] as const)('resumes %s from saved state bit for bit', (kind) => {
    const deltas = [[0.3, -0.2], [0.1, 0.4], [-0.5, 0.05], [0.2, 0.2]];
    const run = (from: ServerOptimizer, start: ParamMap, rounds: number[][]): ParamMap =>
      rounds.reduce((model, delta, round) => step(from, { global: model, update: params({ w: f32([2], delta) }), round }), start);
    const uninterrupted = new ServerOptimizer(adaptive(kind));
    const straight = run(uninterrupted, params({ w: f32([2], [1, 1]) }), deltas);
    const before = new ServerOptimizer(adaptive(kind));
    const halfway = run(before, params({ w: f32([2], [1, 1]) }), deltas.slice(0, 2));
    const after = new ServerOptimizer(adaptive(kind));
    after.loadState(before.saveState());
    const resumed = run(after, halfway, deltas.slice(2));
    expect(resumed.get('w')?.data).toEqual(straight.get('w')?.data);
    expect(after.saveState()).toEqual(uninterrupted.saveState());
    const forgetful = run(new ServerOptimizer(adaptive(kind)), halfway, deltas.slice(2));
    expect(forgetful.get('w')?.data).not.toEqual(straight.get('w')?.data);
  });

  it('copies state in and out, and refuses state it does not keep', () => {
    const optimizer = new ServerOptimizer({ optimizer: 'sgd', momentum: 0.5 });
    step(optimizer, { global: params({ w: f64([1], [0]) }), update: params({ w: f64([1], [1]) }) });
    const saved = optimizer.saveState();
    (saved.get('velocity:w')?.data as Float64Array)[0] = 42;
    expect(values(optimizer.saveState(), 'velocity:w')).toEqual([1]);
    const bad: Array<[ParamMap, RegExp]> = [
      [params({ 'm:w': f64([1], [0]) }), /unexpected state entry "m:w"/],
      [params({ nocolon: f64([1], [0]) }), /unexpected state entry "nocolon"/],
      [params({ 'velocity:w': f32([1], [0]) }), /must be a well-formed F64 tensor, got F32\[1\]/],
    ];
    for (const [state, message] of bad) {
      expect(() => optimizer.loadState(state)).toThrow(message);
      expect(codeOf(() => optimizer.loadState(state))).toBe(AlgorithmsErrorCode.INVALID_STATE);
    }
    expect(() => new ServerOptimizer(adaptive('adam')).loadState(params({ 'm:w': f64([1], [0]) }))).toThrow(/state of "w" lacks v/);
  });

  it.each([
    [{ optimizer: 'rmsprop' as never }, 'server optimizer: optimizer must be one of sgd, adam, yogi, adagrad, got "rmsprop"'],
    [{ learningRate: 0 }, 'server optimizer: learningRate must be > 0, got 0'],
    [{ learningRate: -1 }, 'server optimizer: learningRate must be a finite number >= 0, got -1'],
    [{ momentum: 1 }, 'server optimizer: momentum must be in [0, 1), got 1'],
    [{ optimizer: 'adam' as const, beta2: -0.1 }, 'server optimizer: beta2 must be in [0, 1), got -0.1'],
    [{ optimizer: 'yogi' as const, tau: Number.NaN }, 'server optimizer: tau must be a finite number >= 0, got NaN'],
    [{ optimizer: 'adam' as const, tau: 0, initialAccumulator: 0 }, 'server optimizer: tau and initialAccumulator are both 0, so the first step would divide by zero'],
  ])('refuses options %j', (options, message) => {
    expect(() => new ServerOptimizer(options)).toThrow(message);
    expect(codeOf(() => new ServerOptimizer(options))).toBe(AlgorithmsErrorCode.OPTIMIZER_INVALID_OPTIONS);
  });
});
