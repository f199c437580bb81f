import { readFileSync } from 'node:fs';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { join } from 'node:path';
import type { Tensor } from '@hearth/core';
import { isHearthError, tensor, tensorsEqual } from '@hearth/core';
import { compileEval } from '../compile/compile-eval.js';
import { compileTrainStep } from '../compile/compile-train.js';
import { OnnxTrainErrorCode } from '../errors.js';
import { parseModel, serializeModel } from '../graph/serialize.js';
import type { Graph } from '../graph/types.js';
import { runGraph, ortSessionFactory } from '../testing/ort-harness.js';
import { SeededRandom } from '@hearth/core';
import type { Batch } from '../trainer/batches.js';
import { Trainer } from '../trainer/trainer.js';
import { importOnnxModel } from './import-onnx.js';

const FIXTURES = join(__dirname, '..', '..', 'fixtures');
const bytes = readFileSync(join(FIXTURES, 'small-mlp.onnx'));
const expected = JSON.parse(readFileSync(join(FIXTURES, 'small-mlp.expected.json'), 'utf8')) as {
  input: number[];
  inputShape: number[];
  logits: number[];
};

function withGraph(change: (g: Graph) => Graph): Uint8Array {
  return serializeModel(change(parseModel(bytes).graph));
}

function codeOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (isHearthError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a HearthError');
}

/** Four well-separated classes of 2x2 "images", three of which the fixture's 3 logits learn. */
function syntheticBatches(seed: number): Batch[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: 6 }, () => {
    const labels = Array.from({ length: 16 }, () => Math.floor(random.nextFloat() * 3));
    const x = new Float32Array(16 * 4);
    labels.forEach((label, i) => {
      for (let j = 0; j < 4; j++) x[i * 4 + j] = (j === label ? 2 : 0) + random.nextUniform(-0.3, 0.3);
    });
    return { x: tensor('F32', [16, 1, 2, 2], x), y: tensor('I64', [16], BigInt64Array.from(labels, (l) => BigInt(l))) };
  });
}

describe('importOnnxModel with the PyTorch fixture (fixtures/small-mlp.onnx)', () => {
  const model = importOnnxModel(bytes);

  it('turns float initializers into parameters and BatchNorm running statistics into buffers', () => {
    expect([...model.roles]).toEqual([
      ['fc1.weight', 'trainable'],
      ['fc1.bias', 'trainable'],
      ['bn1.weight', 'trainable'],
      ['bn1.bias', 'trainable'],
      ['bn1.running_mean', 'buffer'],
      ['bn1.running_var', 'buffer'],
      ['fc2.weight', 'trainable'],
      ['fc2.bias', 'trainable'],
    ]);
    expect(model.input).toBe('input');
    expect(model.graph.inputs[0]?.shape).toEqual(['N', 1, 2, 2]);
    expect(model.graph.outputs[0]).toEqual({ name: 'logits', dtype: 'F32', shape: ['N', 3] });
  });

  it('computes the logits PyTorch computed (eval program, |diff| <= 1e-5)', async () => {
    const program = compileEval(model);
    const feeds: Record<string, Tensor> = { [program.batch.x.input]: tensor('F32', expected.inputShape, Float32Array.from(expected.input)) };
    for (const p of program.params) feeds[p.input] = model.params.get(p.name) as Tensor;
    feeds[program.batch.y.input] = tensor('I64', [3], BigInt64Array.of(0n, 1n, 2n));
    const session = await ortSessionFactory(program.model);
    try {
      const out = await session.run(feeds, [program.outputs.logits]);
      const logits = Array.from(out[program.outputs.logits]?.data as Float32Array);
      expected.logits.forEach((v, i) => expect(Math.abs((logits[i] ?? Number.NaN) - v)).toBeLessThanOrEqual(1e-5));
    } finally {
      await session.close();
    }
  });

  it('trains: the loss falls, running statistics move, frozen parameters stay put', async () => {
    const frozenModel = importOnnxModel(bytes, { freeze: ['fc1.weight'] });
    const trainer = await Trainer.create({
      train: compileTrainStep(frozenModel, { optimizer: { type: 'adam' } }),
      evaluate: compileEval(frozenModel),
      createSession: ortSessionFactory,
    });
    try {
      const data = syntheticBatches(1);
      const before = await trainer.evaluate({ params: frozenModel.params, batches: data });
      const result = await trainer.train({ params: frozenModel.params, epochs: 15, batches: () => data, hyper: { lr: 0.02 } });
      const after = await trainer.evaluate({ params: result.params, batches: data });
      const first = result.steps.slice(0, 6).reduce((a, s) => a + s.loss, 0);
      const last = result.steps.slice(-6).reduce((a, s) => a + s.loss, 0);
      expect(last).toBeLessThan(first * 0.5);
      expect(after.loss).toBeLessThan(before.loss);
      expect(after.accuracy).toBeGreaterThan(0.9);
      expect(tensorsEqual(result.params.get('fc1.weight') as Tensor, frozenModel.params.get('fc1.weight') as Tensor)).toBe(true);
      expect(tensorsEqual(result.params.get('fc2.weight') as Tensor, frozenModel.params.get('fc2.weight') as Tensor)).toBe(false);
      expect(tensorsEqual(result.params.get('bn1.running_mean') as Tensor, frozenModel.params.get('bn1.running_mean') as Tensor)).toBe(false);
    } finally {
      await trainer.close();
    }
  });

  it('accepts a freeze predicate', () => {
    const m = importOnnxModel(bytes, { freeze: (name) => name.startsWith('fc2.') });
    expect(m.roles.get('fc2.bias')).toBe('frozen');
    expect(m.roles.get('fc1.bias')).toBe('trainable');
  });
});

describe('importOnnxModel errors', () => {
  it('names the op and the node of an unsupported op', () => {
    const changed = withGraph((g) => ({ ...g, nodes: g.nodes.map((n) => (n.op === 'Relu' ? { ...n, op: 'Selu' } : n)) }));
    const err = codeOf(() => importOnnxModel(changed));
    expect(err.code).toBe(OnnxTrainErrorCode.UNSUPPORTED_OP);
    expect(err.message).toContain('node "/act/Relu" (Selu)');
  });

  it('names the op and the node of an op without a gradient on the trained path', () => {
    const changed = withGraph((g) => ({ ...g, nodes: g.nodes.map((n) => (n.op === 'Relu' ? { ...n, op: 'Abs' } : n)) }));
    const err = codeOf(() => importOnnxModel(changed));
    expect(err.code).toBe(OnnxTrainErrorCode.NO_GRADIENT);
    expect(err.message).toContain('node "/act/Relu" (Abs)');
    expect(() => importOnnxModel(changed, { freeze: ['fc1.weight', 'fc1.bias', 'bn1.weight', 'bn1.bias'] })).not.toThrow();
  });

  it('rejects a graph whose shapes do not fit, naming the node', () => {
    const changed = withGraph((g) => ({
      ...g,
      initializers: new Map([...g.initializers].map(([k, v]) => [k, k === 'fc2.weight' ? tensor('F32', [3, 5], new Float32Array(15)) : v])),
    }));
    const err = codeOf(() => importOnnxModel(changed));
    expect(err.code).toBe(OnnxTrainErrorCode.INVALID_NODE);
    expect(err.message).toContain('node "/fc2/Gemm" (Gemm)');
  });

  it('rejects bytes that are not a model and unsupported opsets', () => {
    expect(codeOf(() => importOnnxModel(Uint8Array.of(1, 2, 3, 255))).code).toBe(OnnxTrainErrorCode.INVALID_MODEL);
    const proto = fromBinary(ModelProtoSchema, bytes);
    for (const o of proto.opsetImport) o.version = 11n;
    const patched = toBinary(ModelProtoSchema, proto);
    const err = codeOf(() => importOnnxModel(patched));
    expect(err.code).toBe(OnnxTrainErrorCode.UNSUPPORTED_OPSET);
    expect(err.message).toContain('opset 11');
  });

  it('runs a re-serialized import unchanged', async () => {
    const g = parseModel(bytes).graph;
    const out = await runGraph(g, {
      input: tensor('F32', expected.inputShape, Float32Array.from(expected.input)),
    });
    const logits = Array.from(out['logits']?.data as Float32Array);
    expected.logits.forEach((v, i) => expect(Math.abs((logits[i] ?? Number.NaN) - v)).toBeLessThanOrEqual(1e-5));
  });
});
