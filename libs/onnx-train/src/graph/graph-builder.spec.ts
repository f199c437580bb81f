import { isHearthError, tensor } from '@hearth/core';
import { OnnxTrainErrorCode } from '../errors.js';
import { runGraph } from '../testing/ort-harness.js';
import { checkGraph } from './check-graph.js';
import { GraphBuilder } from './graph-builder.js';
import { parseModel, serializeModel } from './serialize.js';

function caught(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (isHearthError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a HearthError');
}

describe('GraphBuilder shape and dtype inference', () => {
  it('propagates symbolic batch dimensions through layers', () => {
    const b = new GraphBuilder();
    b.input('x', { dtype: 'F32', shape: ['N', 3, 8, 8] });
    b.input('w', { dtype: 'F32', shape: [4, 3, 3, 3] });
    const conv = b.conv('x', 'w', { pads: [1, 1, 1, 1], strides: [2, 2] });
    expect(b.typeOf(conv)).toEqual({ dtype: 'F32', shape: ['N', 4, 4, 4] });
    const [pooled] = b.maxPool(conv, { kernel: [2, 2], strides: [2, 2] });
    const flat = b.flatten(pooled as string);
    expect(b.typeOf(flat).shape).toEqual(['N', 16]);
    expect(b.typeOf(b.reshape(flat, [0, 4, -1])).shape).toEqual(['N', 4, 4]);
    expect(b.typeOf(b.reduceMean(flat, { axes: [1] })).shape).toEqual(['N']);
    expect(b.typeOf(b.argMax(flat, { axis: 1 }))).toEqual({ dtype: 'I64', shape: ['N'] });
  });

  it('rejects mismatched Gemm operands, naming the node and the op', () => {
    const b = new GraphBuilder();
    b.input('a', { dtype: 'F32', shape: ['N', 3] });
    b.input('w', { dtype: 'F32', shape: [4, 5] });
    const err = caught(() => b.node('Gemm', ['a', 'w'], { name: 'dense1', attrs: { transB: { kind: 'int', value: 1 } } }));
    expect(err.code).toBe(OnnxTrainErrorCode.INVALID_NODE);
    expect(err.message).toContain('node "dense1" (Gemm)');
    expect(err.message).toContain('inner dimensions differ');
  });

  it('rejects shapes that do not broadcast and mixed dtypes', () => {
    const b = new GraphBuilder();
    b.input('a', { dtype: 'F32', shape: [2, 3] });
    b.input('c', { dtype: 'F32', shape: [4] });
    b.input('d', { dtype: 'F64', shape: [3] });
    expect(caught(() => b.add('a', 'c')).message).toMatch(/\(Add\): shapes \[2, 3\] and \[4\] do not broadcast/);
    expect(caught(() => b.mul('a', 'd')).message).toMatch(/\(Mul\): input 1 has dtype F64/);
  });

  it('rejects undefined inputs, duplicate names and unknown ops with distinct codes', () => {
    const b = new GraphBuilder();
    b.input('x', { dtype: 'F32', shape: [2] });
    expect(caught(() => b.relu('nope')).code).toBe(OnnxTrainErrorCode.INVALID_GRAPH);
    expect(caught(() => b.input('x', { dtype: 'F32', shape: [2] })).code).toBe(OnnxTrainErrorCode.INVALID_GRAPH);
    const unknown = caught(() => b.node('Selu', ['x'], { name: 'act' }));
    expect(unknown.code).toBe(OnnxTrainErrorCode.UNSUPPORTED_OP);
    expect(unknown.message).toContain('node "act" (Selu)');
    expect(caught(() => b.conv('x', 'x')).code).toBe(OnnxTrainErrorCode.INVALID_NODE);
  });

  it('shares equal constants and keeps names unique', () => {
    const b = new GraphBuilder();
    expect(b.scalar(1, 'F32')).toBe(b.scalar(1, 'F32'));
    expect(b.scalar(1, 'F32')).not.toBe(b.scalar(1, 'F64'));
    expect(b.ints([1, 2])).toBe(b.ints([1, 2]));
    b.input('v', { dtype: 'F32', shape: [] });
    expect(b.uniqueName('v')).toBe('v_1');
  });
});

describe('serialization', () => {
  it('round-trips a graph through ONNX bytes and runs it in onnxruntime-node', async () => {
    const b = new GraphBuilder({ name: 'roundtrip' });
    b.input('x', { dtype: 'F64', shape: ['N', 2] });
    const w = b.initializer('w', tensor('F64', [2, 2], Float64Array.of(1, 2, 3, 4)));
    const y = b.gemm('x', w, { alpha: 0.5, transB: true });
    // Float attributes are float32 in ONNX; 0.5 and 0.25 survive the round trip exactly.
    b.output(b.leakyRelu(y, { alpha: 0.25 }), 'y');
    const graph = b.build();
    const parsed = parseModel(serializeModel(graph));
    expect(parsed.opset).toBe(17);
    expect(parsed.graph.nodes).toEqual(graph.nodes);
    expect(parsed.graph.inputs).toEqual(graph.inputs);
    expect(parsed.graph.outputs).toEqual(graph.outputs);
    expect([...parsed.graph.initializers.keys()]).toEqual([...graph.initializers.keys()]);
    expect(checkGraph(parsed.graph).typeOf('y')).toEqual({ dtype: 'F64', shape: ['N', 2] });
    const out = await runGraph(parsed.graph, { x: tensor('F64', [1, 2], Float64Array.of(1, -1)) });
    // 0.5 * [1*1 + 2*-1, 3*1 + 4*-1] = [-0.5, -0.5] -> LeakyRelu 0.25 -> [-0.125, -0.125]
    expect(Array.from(out['y']?.data as Float64Array)).toEqual([-0.125, -0.125]);
  });

  it('checkGraph rejects a graph whose node uses a value before it is defined', () => {
    const b = new GraphBuilder();
    b.input('x', { dtype: 'F32', shape: [2] });
    const y = b.relu('x');
    b.output(b.neg(y), 'out');
    const graph = b.build();
    const reordered = { ...graph, nodes: [...graph.nodes].reverse() };
    expect(caught(() => checkGraph(reordered)).code).toBe(OnnxTrainErrorCode.INVALID_GRAPH);
  });
});

describe('Loop', () => {
  it('builds a Loop with carried values and scan outputs that runs in onnxruntime-node', async () => {
    const b = new GraphBuilder();
    b.input('xs', { dtype: 'F32', shape: ['K', 3] });
    b.input('acc0', { dtype: 'F32', shape: [3] });
    const [acc, steps] = b.loop({
      trips: b.gather(b.shape('xs'), b.scalar(0, 'I64')),
      condition: '',
      carried: ['acc0'],
      body: (body, inputs) => {
        const next = body.add(inputs.carried[0] ?? '', body.gather('xs', inputs.iteration));
        return { condition: body.identity(inputs.condition), carried: [next], scans: [body.reduceSum(next)] };
      },
    });
    expect(b.typeOf(steps as string).shape).toHaveLength(1);
    b.output(acc as string, 'acc');
    b.output(steps as string, 'sums');
    const graph = b.build();
    const out = await runGraph(parseModel(serializeModel(graph)).graph, {
      xs: tensor('F32', [2, 3], Float32Array.of(1, 2, 3, 4, 5, 6)),
      acc0: tensor('F32', [3], Float32Array.of(0, 0, 1)),
    });
    expect(Array.from(out['acc']?.data as Float32Array)).toEqual([5, 7, 10]);
    expect(Array.from(out['sums']?.data as Float32Array)).toEqual([7, 22]);
  });
});
