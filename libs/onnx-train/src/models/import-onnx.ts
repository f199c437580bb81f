import type { ParamMap, Tensor } from '@hearth/core';
import { isDifferentiableOp } from '../autodiff/vjp-rules.js';
import { defineModel } from '../compile/model.js';
import type { LossKind, Model } from '../compile/model.js';
import { OnnxTrainErrorCode, onnxTrainError } from '../errors.js';
import { checkGraph } from '../graph/check-graph.js';
import { isDifferentiableDType } from '../graph/dtype.js';
import { nodeError } from '../graph/node-attrs.js';
import { parseModel } from '../graph/serialize.js';
import { SUPPORTED_OPS } from '../graph/shape-inference.js';
import type { Graph, NodeDef, ValueInfo } from '../graph/types.js';

/** Options for {@link importOnnxModel}. */
export interface ImportOnnxOptions {
  /** Parameters (initializer names) to freeze, or a predicate over names. @default none */
  readonly freeze?: readonly string[] | ((name: string) => boolean);
  /** The data input. @default the only graph input that is not an initializer */
  readonly input?: string;
  /** The prediction output. @default the only graph output */
  readonly output?: string;
  /** @default 'softmax-cross-entropy' */
  readonly loss?: LossKind;
  /** Treat the first axis of the data input as a free batch axis `N`. @default true */
  readonly dynamicBatch?: boolean;
}

/** Default-domain opsets whose semantics for the supported ops match this lib's opset 17. */
export const IMPORT_OPSETS = { min: 13, max: 17 } as const;

function pick(values: readonly ValueInfo[], wanted: string | undefined, what: string): ValueInfo {
  const found = wanted === undefined ? (values.length === 1 ? values[0] : undefined) : values.find((v) => v.name === wanted);
  if (found === undefined) {
    const names = values.map((v) => v.name).join(', ');
    throw onnxTrainError(
      OnnxTrainErrorCode.INVALID_OPTIONS,
      wanted === undefined ? `the model has ${values.length} ${what}s (${names}); name one in the options` : `the model has no ${what} "${wanted}" (has ${names})`,
      { context: { wanted, names } },
    );
  }
  return found;
}

function checkDifferentiable(graph: Graph, options: { params: ReadonlySet<string>; output: string }): void {
  const reach = new Set(options.params);
  const onPath: NodeDef[] = [];
  for (const node of graph.nodes) {
    if (!node.inputs.some((i) => reach.has(i))) continue;
    for (const out of node.outputs) if (out !== '') reach.add(out);
    onPath.push(node);
  }
  const needed = new Set([options.output]);
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i];
    if (node === undefined || !node.outputs.some((o) => needed.has(o))) continue;
    for (const input of node.inputs) needed.add(input);
  }
  for (const node of onPath) {
    if (node.outputs.some((o) => needed.has(o)) && !isDifferentiableOp(node.op)) {
      throw nodeError(node, `op ${node.op} has no gradient rule, so the parameters before it cannot be trained`, OnnxTrainErrorCode.NO_GRADIENT);
    }
  }
}

/**
 * Imports an ONNX inference model (for example one written by `torch.onnx.export`) as a trainable
 * {@link Model}: floating-point initializers become parameters (BatchNormalization running statistics
 * become buffers; `freeze` keeps others fixed), integer initializers stay constants. Unsupported ops,
 * opsets or ops without a gradient on the trained path are coded errors naming the op and the node.
 */
export function importOnnxModel(bytes: Uint8Array, options: ImportOnnxOptions = {}): Model {
  const parsed = parseModel(bytes);
  if (parsed.opset < IMPORT_OPSETS.min || parsed.opset > IMPORT_OPSETS.max) {
    throw onnxTrainError(
      OnnxTrainErrorCode.UNSUPPORTED_OPSET,
      `the model imports opset ${parsed.opset}; supported are ${IMPORT_OPSETS.min} to ${IMPORT_OPSETS.max} (re-export with opset_version=17)`,
      { context: { opset: parsed.opset } },
    );
  }
  const source = parsed.graph;
  for (const node of source.nodes) {
    if (!SUPPORTED_OPS.has(node.op)) throw nodeError(node, `op ${node.op} is not supported`, OnnxTrainErrorCode.UNSUPPORTED_OP);
  }
  const buffers = new Set<string>();
  for (const node of source.nodes) {
    if (node.op !== 'BatchNormalization') continue;
    for (const i of [3, 4]) {
      const name = node.inputs[i];
      if (name !== undefined && source.initializers.has(name)) buffers.add(name);
    }
  }
  const params: ParamMap = new Map();
  const constants = new Map<string, Tensor>();
  for (const [name, value] of source.initializers) {
    if (isDifferentiableDType(value.dtype) && value.shape.length > 0) params.set(name, value);
    else constants.set(name, value);
  }
  const input = pick(source.inputs, options.input, 'data input');
  const output = pick(source.outputs, options.output, 'output');
  const dynamic = options.dynamicBatch ?? true;
  const dataInput: ValueInfo = dynamic && input.shape.length > 0 ? { ...input, shape: ['N', ...input.shape.slice(1)] } : input;
  const draft: Graph = {
    name: source.name === '' ? 'imported' : source.name,
    inputs: [dataInput, ...[...params].map(([name, value]) => ({ name, dtype: value.dtype, shape: value.shape }))],
    outputs: [output],
    initializers: constants,
    nodes: source.nodes,
  };
  const loaded = checkGraph(draft);
  const graph: Graph = { ...draft, outputs: [{ name: output.name, ...loaded.typeOf(output.name) }] };
  const freeze = options.freeze;
  const frozen = [...params.keys()].filter((name) => !buffers.has(name) && (typeof freeze === 'function' ? freeze(name) : (freeze ?? []).includes(name)));
  if (Array.isArray(freeze)) {
    for (const name of freeze as readonly string[]) {
      if (!params.has(name)) throw onnxTrainError(OnnxTrainErrorCode.INVALID_OPTIONS, `cannot freeze "${name}": the model has no such parameter`, { context: { name } });
    }
  }
  const trainable = new Set([...params.keys()].filter((n) => !buffers.has(n) && !frozen.includes(n)));
  checkDifferentiable(graph, { params: trainable, output: output.name });
  return defineModel({ graph, input: dataInput.name, output: output.name, params, frozen, buffers: [...buffers], loss: options.loss });
}
