import { gradientCheck, randomTensor } from '../testing/gradient-check.js';

// Double precision: |analytic - numeric| <= 1e-7 + 1e-5 * |numeric|, eps 1e-6.
const tol = { rtol: 1e-5, atol: 1e-7 };

describe('shape and reduction vector-Jacobian rules (F64 finite differences)', () => {
  it('Flatten', async () => {
    const r = await gradientCheck({ inputs: { x: randomTensor('F64', [2, 3, 2], 1) }, wrt: ['x'], forward: (g) => g.flatten('x'), ...tol });
    expect(r.worst).toBeLessThanOrEqual(1);
  });

  it('Reshape with 0 and -1', async () => {
    const r = await gradientCheck({ inputs: { x: randomTensor('F64', [2, 3, 2], 2) }, wrt: ['x'], forward: (g) => g.reshape('x', [0, -1]), ...tol });
    expect(r.worst).toBeLessThanOrEqual(1);
  });

  it('Transpose with a permutation', async () => {
    const r = await gradientCheck({
      inputs: { x: randomTensor('F64', [2, 3, 4], 3) },
      wrt: ['x'],
      forward: (g) => g.transpose('x', [2, 0, 1]),
      ...tol,
    });
    expect(r.worst).toBeLessThanOrEqual(1);
  });

  it('Concat along axis 1', async () => {
    const r = await gradientCheck({
      inputs: { a: randomTensor('F64', [2, 1], 4), b: randomTensor('F64', [2, 3], 5) },
      wrt: ['a', 'b'],
      forward: (g) => g.concat(['a', 'b'], 1),
      ...tol,
    });
    expect(r.worst).toBeLessThanOrEqual(1);
  });

  it.each([true, false])('ReduceSum and ReduceMean with keepdims %s', async (keepdims) => {
    const r = await gradientCheck({
      inputs: { x: randomTensor('F64', [2, 3, 2], 6) },
      wrt: ['x'],
      forward: (g) => g.add(g.reduceSum(g.tanh('x'), { axes: [1], keepdims }), g.reduceMean(g.sigmoid('x'), { axes: [1], keepdims })),
      ...tol,
    });
    expect(r.worst).toBeLessThanOrEqual(1);
  });

  it('Split into unequal parts, one of them unused', async () => {
    const r = await gradientCheck({
      inputs: { x: randomTensor('F64', [2, 5], 7) },
      wrt: ['x'],
      forward: (g) => {
        const [a, , c] = g.split('x', { axis: 1, sizes: [2, 1, 2] });
        return g.mul(a as string, c as string);
      },
      ...tol,
    });
    expect(r.worst).toBeLessThanOrEqual(1);
  });

  it('Squeeze, Unsqueeze and Expand', async () => {
    const r = await gradientCheck({
      inputs: { x: randomTensor('F64', [3, 1], 8) },
      wrt: ['x'],
      forward: (g) => g.expand(g.unsqueeze(g.tanh(g.squeeze('x', [1])), [0]), g.ints([2, 3])),
      ...tol,
    });
    expect(r.worst).toBeLessThanOrEqual(1);
  });

  it('Cast between float types (F64 -> F32 -> F64, checked at float32 precision: 1e-4 + 1e-3 |numeric|, eps 1e-3)', async () => {
    const r = await gradientCheck({
      inputs: { x: randomTensor('F64', [2, 2], 9) },
      wrt: ['x'],
      forward: (g) => g.cast(g.tanh(g.cast('x', 'F32')), 'F64'),
      eps: 1e-3,
      rtol: 1e-3,
      atol: 1e-4,
    });
    expect(r.worst).toBeLessThanOrEqual(1);
  });
});
