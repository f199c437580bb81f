import { f32, f64, isHearthError, tensor } from '@hearth/core';
import type { ParamMap, Tensor } from '@hearth/core';
import { AlgorithmsErrorCode } from './errors.js';
import { ScaffoldControlVariates } from './scaffold-control-variates.js';

function params(entries: Record<string, Tensor>): ParamMap {
  return new Map(Object.entries(entries));
}

function values(map: ParamMap, name: string): number[] {
  return Array.from(map.get(name)?.data as Float64Array | Float32Array);
}

describe('ScaffoldControlVariates', () => {
  it('starts c at zero for every float tensor of the model and none for integer tensors', () => {
    const controls = new ScaffoldControlVariates();
    expect(controls.initialized).toBe(false);
    controls.initialize(params({ w: f32([2, 2], [1, 2, 3, 4]), b: f64([1], [5]), steps: tensor('I64', [1], BigInt64Array.from([3n])) }));
    expect([...controls.global.keys()]).toEqual(['w', 'b']);
    expect(controls.global.get('w')).toEqual(f32([2, 2], [0, 0, 0, 0]));
    expect(controls.global.get('b')).toEqual(f64([1], [0]));
  });

  it('updates c with 2 of 3 clients answering by hand: c + (|S|/N) mean(Δc) = c + (Δc₁ + Δc₂) / 3', () => {
    // c = [1, -1]; Δc₁ = [0.3, 0.6]; Δc₂ = [0.9, -0.3]; N = 3, |S| = 2:
    // mean = [0.6, 0.15]; c' = c + (2/3) · mean = [1.4, -0.9].
    const controls = new ScaffoldControlVariates();
    const start = params({ w: f64([2], [1, -1]) });
    controls.load(start);
    controls.beginRound();
    controls.add(params({ w: f64([2], [0.3, 0.6]) }));
    controls.add(params({ w: f32([2], [0.9, -0.3]) }));
    expect(controls.contributions).toBe(2);
    const next = controls.finishRound(3);
    expect(values(next, 'w')[0]).toBeCloseTo(1.4, 7);
    expect(values(next, 'w')[1]).toBeCloseTo(-0.9, 7);
    expect(controls.global).toBe(next);
    expect(values(start, 'w')).toEqual([1, -1]);
  });

  it('weighs each Δc by the weight it was added with: c + (|S|/N) · Σ w Δc / Σ w', () => {
    // c = [0]; Δc₁ = [1] with w 1, Δc₂ = [4] with w 3; N = 2, |S| = 2: weighted mean = (1 + 12) / 4 = 3.25.
    const controls = new ScaffoldControlVariates();
    controls.load(params({ w: f64([1], [0]) }));
    controls.beginRound();
    controls.add(params({ w: f64([1], [1]) }), 1);
    controls.add(params({ w: f64([1], [4]) }), 3);
    expect(values(controls.finishRound(2), 'w')[0]).toBeCloseTo(3.25, 12);
    // The same updates with |S| = 2 of N = 4: half the step.
    controls.beginRound();
    controls.add(params({ w: f64([1], [1]) }), 1);
    controls.add(params({ w: f64([1], [4]) }), 3);
    expect(values(controls.finishRound(4), 'w')[0]).toBeCloseTo(3.25 + 1.625, 12);
    expect(() => controls.add(params({ w: f64([1], [1]) }), 0)).toThrow(expect.objectContaining({ code: AlgorithmsErrorCode.INVALID_ARGUMENT }) as Error);
  });

  it('starts every round from a zero sum and leaves c alone when nobody contributed', () => {
    const controls = new ScaffoldControlVariates();
    controls.load(params({ w: f64([1], [2]) }));
    controls.beginRound();
    controls.add(params({ w: f64([1], [4]) }));
    const afterFirst = controls.finishRound(2);
    expect(values(afterFirst, 'w')).toEqual([4]);
    controls.beginRound();
    expect(controls.contributions).toBe(0);
    expect(controls.finishRound(5)).toBe(afterFirst);
    controls.beginRound();
    controls.add(params({ w: f64([1], [1]) }));
    expect(values(controls.finishRound(1), 'w')).toEqual([5]);
  });

  it.each([
    ['a missing tensor', {}, 'control-variate update lacks w'],
    ['an extra tensor', { w: f64([2], [0, 0]), x: f64([1], [0]) }, "control-variate update has tensors the model's control variate lacks: x"],
    ['another shape', { w: f64([1, 2], [0, 0]) }, 'control-variate update w is F64[1, 2]; expected shape [2]'],
    ['an integer tensor', { w: tensor('I32', [2], Int32Array.from([0, 0])) }, 'control-variate update w is I32; expected F32 or F64'],
  ])('names %s and refuses to add it', (_name, diff, reason) => {
    const controls = new ScaffoldControlVariates();
    controls.initialize(params({ w: f64([2], [0, 0]) }));
    controls.beginRound();
    expect(controls.check(params(diff))).toBe(reason);
    let thrown: unknown;
    try {
      controls.add(params(diff));
    } catch (err) {
      thrown = err;
    }
    expect(isHearthError(thrown, AlgorithmsErrorCode.MODEL_MISMATCH)).toBe(true);
    expect(controls.contributions).toBe(0);
  });

  it('refuses N below the contributions, use before initialization, and malformed loaded state', () => {
    const controls = new ScaffoldControlVariates();
    expect(() => controls.global).toThrow(expect.objectContaining({ code: AlgorithmsErrorCode.INVALID_ARGUMENT }));
    controls.initialize(params({ w: f64([1], [0]) }));
    controls.beginRound();
    controls.add(params({ w: f64([1], [1]) }));
    controls.add(params({ w: f64([1], [1]) }));
    expect(() => controls.finishRound(1)).toThrow('SCAFFOLD: numClients must be an integer >= max(1, contributions 2), got 1');
    expect(() => controls.load(params({ w: tensor('I8', [1], Int8Array.from([1])) }))).toThrow(
      expect.objectContaining({ code: AlgorithmsErrorCode.INVALID_STATE }),
    );
  });
});
