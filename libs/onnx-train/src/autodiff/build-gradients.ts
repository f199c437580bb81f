import { OnnxTrainErrorCode, onnxTrainError } from '../errors.js';
import { isDifferentiableDType } from '../graph/dtype.js';
import type { GraphBuilder } from '../graph/graph-builder.js';
import { nodeError } from '../graph/node-attrs.js';
import type { NodeDef } from '../graph/types.js';
import { VJP_RULES } from './vjp-rules.js';

/** Options for {@link buildGradients}. */
export interface GradientOptions {
  /** The value to differentiate; the seed gradient is all ones of its shape (a scalar loss gets 1). */
  readonly loss: string;
  /** Values (usually parameters) whose gradients are wanted. */
  readonly wrt: readonly string[];
}

/** Values that depend on `wrt` through floating-point values, and the nodes that carry that dependence. */
function forwardReach(b: GraphBuilder, nodes: readonly NodeDef[], wrt: readonly string[]): Set<string> {
  const reach = new Set(wrt);
  for (const node of nodes) {
    if (!node.inputs.some((i) => reach.has(i))) continue;
    for (const out of node.outputs) if (out !== '' && isDifferentiableDType(b.typeOf(out).dtype)) reach.add(out);
  }
  return reach;
}

function backwardReach(nodes: readonly NodeDef[], loss: string): Set<string> {
  const reach = new Set([loss]);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i];
    if (node === undefined || !node.outputs.some((o) => reach.has(o))) continue;
    for (const input of node.inputs) if (input !== '') reach.add(input);
  }
  return reach;
}

/**
 * Reverse-mode automatic differentiation over the nodes already in `b`: walks them backwards from
 * `loss`, asks each op's vector-Jacobian rule for the gradients of its inputs, sums gradients of values
 * used more than once, and returns the gradient value of each `wrt` name (zeros when the loss does not
 * depend on it). An op on the path without a rule is a NO_GRADIENT error naming the op and the node.
 */
export function buildGradients(b: GraphBuilder, options: GradientOptions): Map<string, string> {
  const nodes = [...b.nodes];
  const lossType = b.typeOf(options.loss);
  if (!isDifferentiableDType(lossType.dtype)) {
    throw onnxTrainError(OnnxTrainErrorCode.INVALID_OPTIONS, `loss "${options.loss}" has dtype ${lossType.dtype}; it must be floating point`, {
      context: { loss: options.loss },
    });
  }
  const dependsOnWrt = forwardReach(b, nodes, options.wrt);
  const feedsLoss = backwardReach(nodes, options.loss);
  const active = (value: string): boolean => dependsOnWrt.has(value) && feedsLoss.has(value);

  const pending = new Map<string, string[]>();
  const collect = (value: string, grad: string): void => {
    const list = pending.get(value);
    if (list === undefined) pending.set(value, [grad]);
    else list.push(grad);
  };
  const total = (value: string): string | undefined => {
    const list = pending.get(value);
    if (list === undefined || list.length === 0) return undefined;
    const summed = b.sum(list);
    pending.set(value, [summed]);
    return summed;
  };

  collect(
    options.loss,
    lossType.shape.length === 0 ? b.scalar(1, lossType.dtype) : b.constantOfShape(b.shape(options.loss), { value: 1, dtype: lossType.dtype }),
  );

  for (let n = nodes.length - 1; n >= 0; n--) {
    const node = nodes[n];
    if (node === undefined || !node.outputs.some(active)) continue;
    const outputGrads = node.outputs.map((o) => (active(o) ? total(o) : undefined));
    if (outputGrads.every((g) => g === undefined)) continue;
    const rule = VJP_RULES[node.op];
    if (rule === undefined) throw nodeError(node, `op ${node.op} has no gradient rule`, OnnxTrainErrorCode.NO_GRADIENT);
    const needs = (i: number): boolean => {
      const input = node.inputs[i];
      return input !== undefined && input !== '' && dependsOnWrt.has(input);
    };
    const grads = rule({
      b,
      node,
      x: (i) => node.inputs[i] ?? '',
      y: (i) => node.outputs[i] ?? '',
      dy: (i) => outputGrads[i],
      needs,
    });
    grads.forEach((g, i) => {
      const input = node.inputs[i];
      if (g !== undefined && input !== undefined && needs(i)) collect(input, g);
    });
  }

  const result = new Map<string, string>();
  for (const name of options.wrt) {
    const g = total(name);
    result.set(name, g ?? b.constantOfShape(b.shape(name), { value: 0, dtype: b.typeOf(name).dtype }));
  }
  return result;
}
