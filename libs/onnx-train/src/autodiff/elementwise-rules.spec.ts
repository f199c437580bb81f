import { gradientCheck, randomTensor } from '../testing/gradient-check.js';

// Double precision throughout: ORT's CPU kernels support F64 for all of these ops.
// Pass criterion: |analytic - numeric| <= 1e-7 + 1e-5 * |numeric| (central differences, eps 1e-6).
const tol = { rtol: 1e-5, atol: 1e-7 };

function positive(shape: number[], seed: number) {
  const t = randomTensor('F64', shape, seed);
  const data = t.data as Float64Array;
  for (let i = 0; i < data.length; i++) data[i] = 0.5 + Math.abs(data[i] ?? 0);
  return t;
}

describe('elementwise vector-Jacobian rules (F64 finite differences)', () => {
  it.each([
    ['Add', [2, 3], [3]],
    ['Sub', [2, 1, 3], [4, 1]],
    ['Mul', [1, 3], [2, 3]],
    ['Div', [2, 3], [2, 1]],
  ])('%s broadcasts %j with %j and reduces gradients back', async (op, aShape, bShape) => {
    const result = await gradientCheck({
      inputs: { a: randomTensor('F64', aShape, 1), b: positive(bShape, 2) },
      wrt: ['a', 'b'],
      forward: (g) => g.op(op, ['a', 'b']),
      ...tol,
    });
    expect(result.worst).toBeLessThanOrEqual(1);
  });

  it.each(['Relu', 'Sigmoid', 'Tanh', 'Exp', 'Neg', 'Softmax', 'LogSoftmax'])('%s', async (op) => {
    const result = await gradientCheck({
      inputs: { x: randomTensor('F64', [3, 4], 3) },
      wrt: ['x'],
      forward: (g) => g.op(op, ['x']),
      ...tol,
    });
    expect(result.worst).toBeLessThanOrEqual(1);
  });

  it('LeakyRelu with alpha 0.2', async () => {
    const result = await gradientCheck({
      inputs: { x: randomTensor('F64', [3, 4], 4) },
      wrt: ['x'],
      forward: (g) => g.leakyRelu('x', { alpha: 0.2 }),
      ...tol,
    });
    expect(result.worst).toBeLessThanOrEqual(1);
  });

  it.each(['Log', 'Sqrt'])('%s on positive inputs', async (op) => {
    const result = await gradientCheck({
      inputs: { x: positive([2, 3], 5) },
      wrt: ['x'],
      forward: (g) => g.op(op, ['x']),
      ...tol,
    });
    expect(result.worst).toBeLessThanOrEqual(1);
  });

  it('sums the gradients of a value used twice', async () => {
    const result = await gradientCheck({
      inputs: { x: randomTensor('F64', [2, 3], 6) },
      wrt: ['x'],
      forward: (g) => g.mul(g.tanh('x'), g.sigmoid('x')),
      ...tol,
    });
    expect(result.worst).toBeLessThanOrEqual(1);
  });

  it.each(['Reciprocal', 'Identity'])('%s on positive inputs', async (op) => {
    const result = await gradientCheck({ inputs: { x: positive([2, 3], 7) }, wrt: ['x'], forward: (g) => g.op(op, ['x']), ...tol });
    expect(result.worst).toBeLessThanOrEqual(1);
  });

  it('Pow with a broadcast exponent, for base and exponent', async () => {
    const result = await gradientCheck({
      inputs: { a: positive([2, 3], 8), p: randomTensor('F64', [3], 9) },
      wrt: ['a', 'p'],
      forward: (g) => g.pow('a', 'p'),
      ...tol,
    });
    expect(result.worst).toBeLessThanOrEqual(1);
  });

  it('Where routes gradients to the chosen branch, with broadcasting', async () => {
    const result = await gradientCheck({
      inputs: { a: randomTensor('F64', [2, 3], 10), b: randomTensor('F64', [3], 11) },
      wrt: ['a', 'b'],
      forward: (g) => g.where(g.greater('a', g.scalar(0, 'F64')), 'a', 'b'),
      ...tol,
    });
    expect(result.worst).toBeLessThanOrEqual(1);
  });

  it('Sum of three operands with broadcasting', async () => {
    const result = await gradientCheck({
      inputs: { a: randomTensor('F64', [2, 3], 12), b: randomTensor('F64', [3], 13), c: randomTensor('F64', [2, 1], 14) },
      wrt: ['a', 'b', 'c'],
      forward: (g) => g.sum(['a', 'b', 'c']),
      ...tol,
    });
    expect(result.worst).toBeLessThanOrEqual(1);
  });
});
