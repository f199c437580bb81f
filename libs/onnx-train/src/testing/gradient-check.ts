import type { Tensor } from '@hearth/core';
import { tensor } from '@hearth/core';
import { buildGradients } from '../autodiff/build-gradients.js';
import { emitTrainingForward } from '../autodiff/lower-for-training.js';
import { GraphBuilder } from '../graph/graph-builder.js';
import { serializeModel } from '../graph/serialize.js';
import type { Graph } from '../graph/types.js';
import { ortSessionFactory } from './ort-harness.js';

/** One finite-difference gradient check. */
export interface GradientCheckCase {
  /** Every graph input with its value; F64 where ORT's CPU kernels allow, F32 otherwise. */
  readonly inputs: Record<string, Tensor>;
  /** Inputs whose gradients are checked. */
  readonly wrt: readonly string[];
  /** Builds the op(s) under test and returns the output the check differentiates. */
  readonly forward: (b: GraphBuilder) => string;
  /** Pass when |analytic - numeric| <= atol + rtol * |numeric| for every element. */
  readonly rtol: number;
  readonly atol: number;
  /** Central-difference step. @default 1e-6 for F64, 1e-2 for F32 */
  readonly eps?: number;
  /** Open a fresh session for every evaluation (for seeded random ops such as Dropout). @default false */
  readonly freshSession?: boolean;
}

/** Result of a check: the worst element and both gradients, for readable failures. */
export interface GradientCheckResult {
  readonly worst: number;
  readonly analytic: Record<string, number[]>;
  readonly numeric: Record<string, number[]>;
}

function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random values in [-1, 1) for tests, deterministic per seed. */
export function randomTensor(dtype: 'F32' | 'F64', shape: readonly number[], seed: number): Tensor {
  const rand = mulberry(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, () => rand() * 2 - 1);
  return dtype === 'F64' ? tensor('F64', shape, Float64Array.from(values)) : tensor('F32', shape, Float32Array.from(values));
}

function forwardGraph(c: GradientCheckCase): Graph {
  const b = new GraphBuilder({ name: 'forward' });
  for (const [name, value] of Object.entries(c.inputs)) b.input(name, value);
  const y = c.forward(b);
  const { dtype, shape } = b.typeOf(y);
  const weights = randomTensor(dtype === 'F64' ? 'F64' : 'F32', shape.map((d) => (typeof d === 'number' ? d : 1)), 7);
  const loss = b.reduceSum(b.mul(y, b.constant(weights, 'weights')), { keepdims: false });
  b.output(loss, 'loss');
  return b.build();
}

function trainingGraph(forward: Graph, withGradients: readonly string[]): { graph: Graph; grads: string[] } {
  const b = new GraphBuilder({ name: 'check' });
  for (const input of forward.inputs) b.input(input.name, input);
  for (const [name, value] of forward.initializers) b.initializer(name, value);
  emitTrainingForward(b, forward.nodes, { dropoutSeed: 11 });
  b.output('loss');
  // ORT drops a Dropout whose mask nobody reads; keep the mask alive so the loss graph drops the same units.
  for (const node of b.nodes) if (node.op === 'Dropout' && withGradients.length === 0) b.output(node.outputs[1] ?? '');
  const grads: string[] = [];
  if (withGradients.length > 0) {
    const map = buildGradients(b, { loss: 'loss', wrt: withGradients });
    for (const name of withGradients) grads.push(b.output(map.get(name) ?? '', `grad_${name}`));
  }
  return { graph: b.build(), grads };
}

/** Compares autodiff gradients with central finite differences, both run through onnxruntime-node. */
export async function gradientCheck(c: GradientCheckCase): Promise<GradientCheckResult> {
  const forward = forwardGraph(c);
  const analyticGraph = trainingGraph(forward, c.wrt);
  const lossGraph = serializeModel(trainingGraph(forward, []).graph);
  const gradSession = await ortSessionFactory(serializeModel(analyticGraph.graph));
  const analyticOut = await gradSession.run({ ...c.inputs }, analyticGraph.grads);
  await gradSession.close();
  let shared = c.freshSession === true ? undefined : await ortSessionFactory(lossGraph);
  const evaluate = async (feeds: Record<string, Tensor>): Promise<number> => {
    const session = shared ?? (await ortSessionFactory(lossGraph));
    const out = await session.run(feeds, ['loss']);
    if (shared === undefined) await session.close();
    return Number(out['loss']?.data[0]);
  };
  const analytic: Record<string, number[]> = {};
  const numeric: Record<string, number[]> = {};
  let worst = 0;
  try {
    for (const [k, name] of c.wrt.entries()) {
      const base = c.inputs[name];
      if (base === undefined) throw new Error(`no input ${name}`);
      const eps = c.eps ?? (base.dtype === 'F64' ? 1e-6 : 1e-2);
      const grad = analyticOut[analyticGraph.grads[k] ?? ''];
      analytic[name] = Array.from(grad?.data as ArrayLike<number>);
      numeric[name] = [];
      for (let i = 0; i < base.data.length; i++) {
        const plus = base.data.slice() as Float64Array;
        const minus = base.data.slice() as Float64Array;
        plus[i] = (plus[i] ?? 0) + eps;
        minus[i] = (minus[i] ?? 0) - eps;
        const up = await evaluate({ ...c.inputs, [name]: { ...base, data: plus } });
        const down = await evaluate({ ...c.inputs, [name]: { ...base, data: minus } });
        const n = (up - down) / ((plus[i] ?? 0) - (minus[i] ?? 0));
        numeric[name].push(n);
        const a = analytic[name][i] ?? Number.NaN;
        const excess = Math.abs(a - n) / (c.atol + c.rtol * Math.abs(n));
        worst = Math.max(worst, Number.isNaN(excess) ? Infinity : excess);
      }
    }
  } finally {
    await shared?.close();
    shared = undefined;
  }
  return { worst, analytic, numeric };
}
