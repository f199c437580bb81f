import type { DType, Tensor } from '@hearth/core';
import { allocData, tensor } from '@hearth/core';
import { OnnxTrainErrorCode, onnxTrainError } from '../errors.js';
import { onnxElemType } from './dtype.js';
import { attr, describeNode } from './node-attrs.js';
import { inferNode } from './shape-inference.js';
import type { AttrValue, Graph, NodeDef, ValueInfo, ValueType } from './types.js';

/** Options for {@link GraphBuilder}. */
export interface GraphBuilderOptions {
  /** Graph name written to the model. @default 'hearth' */
  readonly name?: string;
  /** Enclosing builder, for a subgraph such as a Loop body; names are unique across both. */
  readonly parent?: GraphBuilder;
}

/** Options for {@link GraphBuilder.node}. */
export interface NodeOptions {
  readonly attrs?: Readonly<Record<string, AttrValue>>;
  /** Output count (names are generated) or explicit output names. @default 1 */
  readonly outputs?: number | readonly string[];
  /** Node name. @default a unique name made from the op */
  readonly name?: string;
}

/** What a Loop body callback receives: the iteration number, the condition and the loop-carried values. */
export interface LoopBodyInputs {
  readonly iteration: string;
  readonly condition: string;
  readonly carried: readonly string[];
}

/** What a Loop body callback returns: the next condition, the next carried values and per-iteration outputs. */
export interface LoopBodyOutputs {
  readonly condition: string;
  readonly carried: readonly string[];
  readonly scans: readonly string[];
}

/** Options for {@link GraphBuilder.loop}. */
export interface LoopOptions {
  /** Int64 scalar trip count; '' for none. */
  readonly trips: string;
  /** Bool initial condition; '' for none. */
  readonly condition: string;
  /** Initial values of the loop-carried variables. */
  readonly carried: readonly string[];
  /** Builds the body in the child builder it is given. */
  readonly body: (body: GraphBuilder, inputs: LoopBodyInputs) => LoopBodyOutputs;
}

/** Window options shared by Conv, ConvTranspose and the pools. */
export interface WindowOptions {
  readonly strides?: readonly number[];
  readonly pads?: readonly number[];
  readonly dilations?: readonly number[];
}

interface Registry {
  readonly names: Set<string>;
  readonly nodeNames: Set<string>;
  readonly constants: Map<string, string>;
}

/**
 * Builds an ONNX graph node by node. Every node is type-checked as it is added (dtype and shape
 * inference), so a broken graph fails where it is built, with a coded error naming the node and the op,
 * not later inside ONNX Runtime. Values are referred to by name; helpers return the output names.
 */
export class GraphBuilder {
  readonly #name: string;
  readonly #parent: GraphBuilder | undefined;
  readonly #registry: Registry;
  readonly #types = new Map<string, ValueType>();
  readonly #constants = new Map<string, Tensor>();
  readonly #inputs: ValueInfo[] = [];
  readonly #outputs: ValueInfo[] = [];
  readonly #initializers = new Map<string, Tensor>();
  readonly #nodes: NodeDef[] = [];

  constructor(options: GraphBuilderOptions = {}) {
    this.#name = options.name ?? 'hearth';
    this.#parent = options.parent;
    this.#registry = options.parent === undefined ? { names: new Set(), nodeNames: new Set(), constants: new Map() } : options.parent.#registry;
  }

  /** The nodes added so far, in order. */
  get nodes(): readonly NodeDef[] {
    return this.#nodes;
  }

  /** The graph inputs declared so far. */
  get inputs(): readonly ValueInfo[] {
    return this.#inputs;
  }

  /** True when `name` is a value of this graph or an enclosing one. */
  has(name: string): boolean {
    return this.#types.has(name) || (this.#parent?.has(name) ?? false);
  }

  /** The type of a value of this graph or an enclosing one. */
  typeOf(name: string): ValueType {
    const t = this.#types.get(name) ?? (this.#parent?.has(name) ? this.#parent.typeOf(name) : undefined);
    if (t === undefined) throw onnxTrainError(OnnxTrainErrorCode.INVALID_GRAPH, `value "${name}" is not defined`, { context: { value: name } });
    return t;
  }

  /** The value of an initializer or Constant output, when `name` is one. */
  constantValue(name: string): Tensor | undefined {
    return this.#constants.get(name) ?? this.#parent?.constantValue(name);
  }

  /** A name not yet used in this graph or any enclosing or enclosed one, made from `hint`. */
  uniqueName(hint: string): string {
    const names = this.#registry.names;
    if (!names.has(hint)) return hint;
    for (let i = 1; ; i++) {
      const candidate = `${hint}_${i}`;
      if (!names.has(candidate)) return candidate;
    }
  }

  #claim(name: string, type: ValueType): void {
    if (name === '' || this.#registry.names.has(name)) {
      throw onnxTrainError(OnnxTrainErrorCode.INVALID_GRAPH, `value name "${name}" is empty or already used`, { context: { value: name } });
    }
    this.#registry.names.add(name);
    this.#types.set(name, type);
  }

  /** Declares a graph input. */
  input(name: string, type: ValueType): string {
    this.#claim(name, type);
    this.#inputs.push({ name, dtype: type.dtype, shape: [...type.shape] });
    return name;
  }

  /** Adds an initializer under exactly `name`; initializers of subgraphs live in the outermost graph. */
  initializer(name: string, value: Tensor): string {
    if (this.#parent !== undefined) return this.#parent.initializer(name, value);
    this.#claim(name, { dtype: value.dtype, shape: value.shape });
    this.#initializers.set(name, value);
    this.#constants.set(name, value);
    return name;
  }

  /** Adds a constant under a fresh name; constants of subgraphs live in the outermost graph. */
  constant(value: Tensor, hint = 'const'): string {
    if (this.#parent !== undefined) return this.#parent.constant(value, hint);
    return this.initializer(this.uniqueName(hint), value);
  }

  /** A scalar constant of `dtype`, shared by every use of the same value. */
  scalar(value: number, dtype: DType): string {
    const key = `${dtype}:${Object.is(value, -0) ? '-0' : String(value)}`;
    const root = this.#root();
    const cached = root.#registry.constants.get(key);
    if (cached !== undefined) return cached;
    const data = allocData(dtype, 1);
    if (data instanceof BigInt64Array) data[0] = BigInt(value);
    else data[0] = value;
    const name = root.constant(tensor(dtype, [], data), `${dtype.toLowerCase()}_${String(value).replace(/[^0-9a-z]/gi, '_')}`);
    root.#registry.constants.set(key, name);
    return name;
  }

  /** A 1-D int64 constant (axes, shapes, sizes), shared by every use of the same values. */
  ints(values: readonly number[]): string {
    const key = `ints:${values.join(',')}`;
    const root = this.#root();
    const cached = root.#registry.constants.get(key);
    if (cached !== undefined) return cached;
    const name = root.constant(tensor('I64', [values.length], BigInt64Array.from(values, (v) => BigInt(v))), 'ints');
    root.#registry.constants.set(key, name);
    return name;
  }

  #root(): GraphBuilder {
    return this.#parent === undefined ? this : this.#parent.#root();
  }

  /**
   * Adds a node with explicit names, type-checking it. Used when copying or rewriting existing graphs;
   * {@link GraphBuilder.node} is the usual entry.
   */
  addNode(node: NodeDef): readonly string[] {
    if (node.name !== '' && this.#registry.nodeNames.has(node.name)) {
      throw onnxTrainError(OnnxTrainErrorCode.INVALID_GRAPH, `${describeNode(node)}: node name is already used`, {
        context: { node: node.name, op: node.op },
      });
    }
    const name = node.name === '' ? this.#nodeName(node.op) : node.name;
    const named: NodeDef = { ...node, name };
    const types = inferNode({
      node: named,
      input: (i) => {
        const value = named.inputs[i];
        if (value === undefined || value === '') {
          throw onnxTrainError(OnnxTrainErrorCode.INVALID_NODE, `${describeNode(named)}: input ${i} is required`, {
            context: { node: name, op: node.op },
          });
        }
        if (!this.has(value)) {
          throw onnxTrainError(OnnxTrainErrorCode.INVALID_GRAPH, `${describeNode(named)}: input ${i} "${value}" is not defined`, {
            context: { node: name, op: node.op, value },
          });
        }
        return this.typeOf(value);
      },
      optionalInput: (i) => {
        const value = named.inputs[i];
        return value === undefined || value === '' ? undefined : this.typeOf(value);
      },
      constant: (i) => {
        const value = named.inputs[i];
        return value === undefined || value === '' ? undefined : this.constantValue(value);
      },
    });
    this.#registry.nodeNames.add(name);
    named.outputs.forEach((out, i) => {
      const t = types[i];
      if (out !== '' && t !== undefined) this.#claim(out, t);
    });
    if (named.op === 'Constant') {
      const value = named.attrs['value'];
      const out = named.outputs[0];
      if (value?.kind === 'tensor' && out !== undefined) this.#constants.set(out, value.value);
    }
    this.#nodes.push(named);
    return named.outputs;
  }

  #nodeName(op: string): string {
    const names = this.#registry.nodeNames;
    for (let i = names.size; ; i++) {
      const candidate = `${op}_${i}`;
      if (!names.has(candidate)) return candidate;
    }
  }

  /** Adds a node of `op` over `inputs` and returns its output names. */
  node(op: string, inputs: readonly string[], options: NodeOptions = {}): readonly string[] {
    const name = options.name ?? this.#nodeName(op);
    const outputs =
      typeof options.outputs === 'object'
        ? [...options.outputs]
        : Array.from({ length: options.outputs ?? 1 }, (_, i) => this.uniqueName(`${name}_${i}`));
    return this.addNode({ name, op, inputs: [...inputs], outputs, attrs: options.attrs ?? {} });
  }

  /** Adds a single-output node and returns its output name. */
  op(op: string, inputs: readonly string[], attrs: Readonly<Record<string, AttrValue>> = {}): string {
    const [out] = this.node(op, inputs, { attrs });
    return out as string;
  }

  /** Marks `value` as a graph output, under `as` (through an Identity) when a different name is wanted. */
  output(value: string, as?: string): string {
    let name = value;
    if (as !== undefined && as !== value) [name] = this.node('Identity', [value], { outputs: [as] }) as [string];
    const t = this.typeOf(name);
    this.#outputs.push({ name, dtype: t.dtype, shape: [...t.shape] });
    return name;
  }

  /** The graph built so far. */
  build(): Graph {
    if (this.#outputs.length === 0) {
      throw onnxTrainError(OnnxTrainErrorCode.INVALID_GRAPH, `graph "${this.#name}" has no outputs`, { context: { graph: this.#name } });
    }
    return {
      name: this.#name,
      inputs: [...this.#inputs],
      outputs: [...this.#outputs],
      initializers: new Map(this.#initializers),
      nodes: [...this.#nodes],
    };
  }

  // ---- typed helpers, one per op ----

  /** `a + b` with numpy broadcasting. */
  add(a: string, b: string): string {
    return this.op('Add', [a, b]);
  }

  /** `a - b` with numpy broadcasting. */
  sub(a: string, b: string): string {
    return this.op('Sub', [a, b]);
  }

  /** `a * b` with numpy broadcasting. */
  mul(a: string, b: string): string {
    return this.op('Mul', [a, b]);
  }

  /** `a / b` with numpy broadcasting. */
  div(a: string, b: string): string {
    return this.op('Div', [a, b]);
  }

  /** `a ** b` with numpy broadcasting. */
  pow(a: string, b: string): string {
    return this.op('Pow', [a, b]);
  }

  /** Elementwise sum of any number of values. */
  sum(values: readonly string[]): string {
    return values.length === 1 ? (values[0] as string) : this.op('Sum', values);
  }

  /** `-x`. */
  neg(x: string): string {
    return this.op('Neg', [x]);
  }

  /** `sqrt(x)`. */
  sqrt(x: string): string {
    return this.op('Sqrt', [x]);
  }

  /** `exp(x)`. */
  exp(x: string): string {
    return this.op('Exp', [x]);
  }

  /** Natural logarithm. */
  log(x: string): string {
    return this.op('Log', [x]);
  }

  /** `1 / x`. */
  reciprocal(x: string): string {
    return this.op('Reciprocal', [x]);
  }

  /** A copy of `x` under a new name. */
  identity(x: string): string {
    return this.op('Identity', [x]);
  }

  /** `max(x, 0)`. */
  relu(x: string): string {
    return this.op('Relu', [x]);
  }

  /** `x` where positive, `alpha * x` elsewhere. */
  leakyRelu(x: string, options: { alpha?: number } = {}): string {
    return this.op('LeakyRelu', [x], { alpha: attr.float(options.alpha ?? 0.01) });
  }

  /** Logistic sigmoid. */
  sigmoid(x: string): string {
    return this.op('Sigmoid', [x]);
  }

  /** Hyperbolic tangent. */
  tanh(x: string): string {
    return this.op('Tanh', [x]);
  }

  /** Softmax along `axis`. @default axis -1 */
  softmax(x: string, options: { axis?: number } = {}): string {
    return this.op('Softmax', [x], { axis: attr.int(options.axis ?? -1) });
  }

  /** Log-softmax along `axis`. @default axis -1 */
  logSoftmax(x: string, options: { axis?: number } = {}): string {
    return this.op('LogSoftmax', [x], { axis: attr.int(options.axis ?? -1) });
  }

  /** Numpy matrix product (batched over leading axes). */
  matMul(a: string, b: string): string {
    return this.op('MatMul', [a, b]);
  }

  /** `alpha * A' B' + beta * C`, A' and B' optionally transposed. @default alpha 1, beta 1, no transposes */
  gemm(a: string, b: string, options: { c?: string; alpha?: number; beta?: number; transA?: boolean; transB?: boolean } = {}): string {
    const attrs: Record<string, AttrValue> = {};
    if (options.alpha !== undefined && options.alpha !== 1) attrs['alpha'] = attr.float(options.alpha);
    if (options.beta !== undefined && options.beta !== 1) attrs['beta'] = attr.float(options.beta);
    if (options.transA === true) attrs['transA'] = attr.int(1);
    if (options.transB === true) attrs['transB'] = attr.int(1);
    return this.op('Gemm', options.c === undefined ? [a, b] : [a, b, options.c], attrs);
  }

  /** N-d convolution of `x` [N, C, ...] with `w` [M, C/group, ...]. @default stride 1, no padding, group 1 */
  conv(x: string, w: string, options: WindowOptions & { bias?: string; group?: number } = {}): string {
    const attrs = windowAttrs(options);
    if (options.group !== undefined && options.group !== 1) attrs['group'] = attr.int(options.group);
    return this.op('Conv', options.bias === undefined ? [x, w] : [x, w, options.bias], attrs);
  }

  /** Transposed convolution (the gradient of Conv with respect to its input). */
  convTranspose(x: string, w: string, options: WindowOptions & { group?: number; outputPadding?: readonly number[] } = {}): string {
    const attrs = windowAttrs(options);
    if (options.group !== undefined && options.group !== 1) attrs['group'] = attr.int(options.group);
    if (options.outputPadding?.some((p) => p !== 0)) attrs['output_padding'] = attr.ints(options.outputPadding);
    return this.op('ConvTranspose', [x, w], attrs);
  }

  /** Max pooling; returns [Y] or [Y, Indices] when `indices` is set. */
  maxPool(x: string, options: WindowOptions & { kernel: readonly number[]; ceilMode?: boolean; indices?: boolean }): readonly string[] {
    const attrs = windowAttrs(options);
    attrs['kernel_shape'] = attr.ints(options.kernel);
    if (options.ceilMode === true) attrs['ceil_mode'] = attr.int(1);
    return this.node('MaxPool', [x], { attrs, outputs: options.indices === true ? 2 : 1 });
  }

  /** Average pooling. @default countIncludePad false */
  averagePool(x: string, options: WindowOptions & { kernel: readonly number[]; ceilMode?: boolean; countIncludePad?: boolean }): string {
    const attrs = windowAttrs(options);
    delete attrs['dilations'];
    attrs['kernel_shape'] = attr.ints(options.kernel);
    if (options.ceilMode === true) attrs['ceil_mode'] = attr.int(1);
    if (options.countIncludePad === true) attrs['count_include_pad'] = attr.int(1);
    return this.op('AveragePool', [x], attrs);
  }

  /** Mean over all spatial axes, keeping them as size 1. */
  globalAveragePool(x: string): string {
    return this.op('GlobalAveragePool', [x]);
  }

  /** Flattens to 2-D at `axis`. @default axis 1 */
  flatten(x: string, options: { axis?: number } = {}): string {
    return this.op('Flatten', [x], { axis: attr.int(options.axis ?? 1) });
  }

  /** Reshapes to a constant shape (0 copies, -1 infers) or to the shape held by a value. */
  reshape(x: string, shape: string | readonly number[]): string {
    return this.op('Reshape', [x, typeof shape === 'string' ? shape : this.ints(shape)]);
  }

  /** Permutes axes. @default perm reverses the axes */
  transpose(x: string, perm?: readonly number[]): string {
    return this.op('Transpose', [x], perm === undefined ? {} : { perm: attr.ints(perm) });
  }

  /** Joins values along `axis`. */
  concat(values: readonly string[], axis: number): string {
    return this.op('Concat', values, { axis: attr.int(axis) });
  }

  /** Splits along `axis` into parts of the given sizes. */
  split(x: string, options: { axis: number; sizes: readonly number[] }): readonly string[] {
    return this.node('Split', [x, this.ints(options.sizes)], { attrs: { axis: attr.int(options.axis) }, outputs: options.sizes.length });
  }

  /** Takes `[starts, ends)` on `axes` with `steps`. @default axes 0.., steps 1 */
  slice(x: string, options: { starts: readonly number[]; ends: readonly number[]; axes?: readonly number[]; steps?: readonly number[] }): string {
    const inputs = [x, this.ints(options.starts), this.ints(options.ends)];
    if (options.axes !== undefined || options.steps !== undefined) inputs.push(this.ints(options.axes ?? options.starts.map((_, i) => i)));
    if (options.steps !== undefined) inputs.push(this.ints(options.steps));
    return this.op('Slice', inputs);
  }

  /** Removes size-1 `axes`. */
  squeeze(x: string, axes: readonly number[]): string {
    return this.op('Squeeze', [x, this.ints(axes)]);
  }

  /** Inserts size-1 `axes`. */
  unsqueeze(x: string, axes: readonly number[]): string {
    return this.op('Unsqueeze', [x, this.ints(axes)]);
  }

  /** Sum over `axes` (all when omitted). @default keepdims false */
  reduceSum(x: string, options: { axes?: readonly number[]; keepdims?: boolean } = {}): string {
    const inputs = options.axes === undefined ? [x] : [x, this.ints(options.axes)];
    return this.op('ReduceSum', inputs, { keepdims: attr.int(options.keepdims === true ? 1 : 0) });
  }

  /** Mean over `axes` (all when omitted). @default keepdims false */
  reduceMean(x: string, options: { axes?: readonly number[]; keepdims?: boolean } = {}): string {
    const attrs: Record<string, AttrValue> = { keepdims: attr.int(options.keepdims === true ? 1 : 0) };
    if (options.axes !== undefined) attrs['axes'] = attr.ints(options.axes);
    return this.op('ReduceMean', [x], attrs);
  }

  /** Index of the maximum along `axis`. @default keepdims false */
  argMax(x: string, options: { axis: number; keepdims?: boolean }): string {
    return this.op('ArgMax', [x], { axis: attr.int(options.axis), keepdims: attr.int(options.keepdims === true ? 1 : 0) });
  }

  /** Takes slices of `x` at `indices` along `axis`. @default axis 0 */
  gather(x: string, indices: string, options: { axis?: number } = {}): string {
    return this.op('Gather', [x, indices], { axis: attr.int(options.axis ?? 0) });
  }

  /** Takes elements of `x` at `indices` along `axis`. */
  gatherElements(x: string, indices: string, options: { axis: number }): string {
    return this.op('GatherElements', [x, indices], { axis: attr.int(options.axis) });
  }

  /** Writes (or with reduction 'add', accumulates) `updates` into `data` at `indices` along `axis`. */
  scatterElements(data: string, options: { indices: string; updates: string; axis: number; reduction?: 'none' | 'add' }): string {
    return this.op('ScatterElements', [data, options.indices, options.updates], {
      axis: attr.int(options.axis),
      reduction: attr.string(options.reduction ?? 'none'),
    });
  }

  /** The shape of `x` as a 1-D int64 value. */
  shape(x: string): string {
    return this.op('Shape', [x]);
  }

  /** The element count of `x` as an int64 scalar. */
  size(x: string): string {
    return this.op('Size', [x]);
  }

  /** Broadcasts `x` to the shape held by `shape`. */
  expand(x: string, shape: string): string {
    return this.op('Expand', [x, shape]);
  }

  /** A tensor of the shape held by `shape`, filled with `value`. */
  constantOfShape(shape: string, options: { value: number; dtype: DType }): string {
    const data = allocData(options.dtype, 1);
    if (data instanceof BigInt64Array) data[0] = BigInt(options.value);
    else data[0] = options.value;
    return this.op('ConstantOfShape', [shape], { value: attr.tensor(tensor(options.dtype, [1], data)) });
  }

  /** Converts `x` to `dtype`. */
  cast(x: string, dtype: DType): string {
    return this.typeOf(x).dtype === dtype ? x : this.op('Cast', [x], { to: attr.int(onnxElemType(dtype)) });
  }

  /** `condition ? a : b` elementwise, with broadcasting. */
  where(condition: string, a: string, b: string): string {
    return this.op('Where', [condition, a, b]);
  }

  /** `a > b` elementwise. */
  greater(a: string, b: string): string {
    return this.op('Greater', [a, b]);
  }

  /** `a == b` elementwise. */
  equal(a: string, b: string): string {
    return this.op('Equal', [a, b]);
  }

  /**
   * Dropout. In training mode returns [Y, mask]; the mask is what the backward pass reuses. `seed` makes
   * the masks of a fresh session reproducible. @default ratio 0.5, training false
   */
  dropout(x: string, options: { ratio?: number; training?: boolean; seed?: number } = {}): readonly string[] {
    const dtype = this.typeOf(x).dtype;
    const inputs = [x, this.scalar(options.ratio ?? 0.5, dtype)];
    if (options.training === true) {
      const on = this.#root().constant(tensor('BOOL', [], Uint8Array.of(1)), 'training_mode');
      inputs.push(on);
    }
    return this.node('Dropout', inputs, {
      attrs: options.seed === undefined ? {} : { seed: attr.int(options.seed) },
      outputs: 2,
    });
  }

  /** Inference-mode batch normalization with running statistics `mean` and `variance`. @default epsilon 1e-5, momentum 0.9 */
  batchNormalization(
    x: string,
    options: { scale: string; bias: string; mean: string; variance: string; epsilon?: number; momentum?: number },
  ): string {
    return this.op('BatchNormalization', [x, options.scale, options.bias, options.mean, options.variance], {
      epsilon: attr.float(options.epsilon ?? 1e-5),
      momentum: attr.float(options.momentum ?? 0.9),
    });
  }

  /** Softmax cross-entropy of `scores` [N, C] against integer `labels` [N]; returns [loss, logProb]. @default reduction 'mean' */
  softmaxCrossEntropyLoss(scores: string, labels: string, options: { reduction?: 'mean' | 'sum' | 'none' } = {}): readonly string[] {
    return this.node('SoftmaxCrossEntropyLoss', [scores, labels], {
      attrs: { reduction: attr.string(options.reduction ?? 'mean') },
      outputs: 2,
    });
  }

  /**
   * A Loop: `body` builds the body graph in a child builder. Returns the final carried values, then the
   * stacked per-iteration (scan) outputs.
   */
  loop(options: LoopOptions): readonly string[] {
    const body = new GraphBuilder({ name: this.uniqueName('loop_body'), parent: this });
    const iteration = body.input(body.uniqueName('iteration'), { dtype: 'I64', shape: [] });
    const condition = body.input(body.uniqueName('condition'), { dtype: 'BOOL', shape: [] });
    const carried = options.carried.map((v) => body.input(body.uniqueName(`${v}_in`), this.typeOf(v)));
    const result = options.body(body, { iteration, condition, carried });
    if (result.carried.length !== carried.length) {
      throw onnxTrainError(OnnxTrainErrorCode.INVALID_GRAPH, `loop body returns ${result.carried.length} carried values for ${carried.length}`);
    }
    body.output(result.condition, body.uniqueName('condition_out'));
    for (const v of result.carried) body.output(v, body.uniqueName(`${v}_out`));
    for (const v of result.scans) body.output(v, body.uniqueName(`${v}_scan`));
    return this.node('Loop', [options.trips, options.condition, ...options.carried], {
      attrs: { body: attr.graph(body.build()) },
      outputs: result.carried.length + result.scans.length,
    });
  }
}

function windowAttrs(options: WindowOptions): Record<string, AttrValue> {
  const attrs: Record<string, AttrValue> = {};
  if (options.strides !== undefined) attrs['strides'] = attr.ints(options.strides);
  if (options.pads !== undefined) attrs['pads'] = attr.ints(options.pads);
  if (options.dilations !== undefined) attrs['dilations'] = attr.ints(options.dilations);
  return attrs;
}
