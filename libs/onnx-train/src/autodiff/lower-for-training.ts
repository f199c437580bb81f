import { tensor } from '@hearth/core';
import type { GraphBuilder } from '../graph/graph-builder.js';
import { attr, attrFloat } from '../graph/node-attrs.js';
import type { NodeDef } from '../graph/types.js';

/** Options for {@link emitTrainingForward}. */
export interface TrainingForwardOptions {
  /** Seed of the first Dropout node without its own; later ones get seed + 1, + 2, ... @default 0 */
  readonly dropoutSeed?: number;
}

/** What the training forward pass produced besides its outputs. */
export interface TrainingForward {
  /** Updated value of each running-statistics input (BatchNormalization mean and variance). */
  readonly bufferUpdates: ReadonlyMap<string, string>;
}

function batchNorm(b: GraphBuilder, node: NodeDef, updates: Map<string, string>): void {
  const [x = '', scale = '', bias = '', runningMean = '', runningVar = ''] = node.inputs;
  const { dtype, shape } = b.typeOf(x);
  const epsilon = attrFloat(node, 'epsilon', 1e-5);
  const momentum = attrFloat(node, 'momentum', 0.9);
  const axes = [0, ...shape.slice(2).map((_, i) => i + 2)];
  const perChannel = [1, -1, ...shape.slice(2).map(() => 1)];
  const mean = b.reduceMean(x, { axes, keepdims: true });
  const centered = b.sub(x, mean);
  const variance = b.reduceMean(b.mul(centered, centered), { axes, keepdims: true });
  const inverseStd = b.reciprocal(b.sqrt(b.add(variance, b.scalar(epsilon, dtype))));
  const normalized = b.mul(centered, inverseStd);
  const scaled = b.mul(normalized, b.reshape(scale, perChannel));
  b.addNode({ name: node.name, op: 'Add', inputs: [scaled, b.reshape(bias, perChannel)], outputs: [node.outputs[0] ?? ''], attrs: {} });
  const keep = b.scalar(momentum, dtype);
  const take = b.scalar(1 - momentum, dtype);
  const blend = (running: string, batch: string): string => b.add(b.mul(running, keep), b.mul(b.reshape(batch, [-1]), take));
  const newMean = blend(runningMean, mean);
  const newVar = blend(runningVar, variance);
  updates.set(runningMean, newMean);
  updates.set(runningVar, newVar);
  const [, meanOut = '', varOut = ''] = node.outputs;
  if (meanOut !== '') b.addNode({ name: b.uniqueName(`${node.name}_mean_out`), op: 'Identity', inputs: [newMean], outputs: [meanOut], attrs: {} });
  if (varOut !== '') b.addNode({ name: b.uniqueName(`${node.name}_var_out`), op: 'Identity', inputs: [newVar], outputs: [varOut], attrs: {} });
}

/**
 * Copies forward nodes into `b` in training form: Dropout runs in training mode with a seeded mask
 * output the backward pass reuses; BatchNormalization normalizes with batch statistics (as primitive ops
 * that autodiff can differentiate) and yields updated running statistics; MaxPool and
 * SoftmaxCrossEntropyLoss gain the Indices and log_prob outputs their gradients need.
 */
export function emitTrainingForward(b: GraphBuilder, nodes: readonly NodeDef[], options: TrainingForwardOptions = {}): TrainingForward {
  const updates = new Map<string, string>();
  let seed = options.dropoutSeed ?? 0;
  for (const node of nodes) {
    const extra = (i: number, suffix: string): string[] => {
      const outputs = [...node.outputs];
      while (outputs.length <= i) outputs.push('');
      if (outputs[i] === '') outputs[i] = b.uniqueName(`${node.name}_${suffix}`);
      return outputs;
    };
    if (node.op === 'BatchNormalization') {
      batchNorm(b, node, updates);
    } else if (node.op === 'Dropout') {
      const [x = '', ratio = ''] = node.inputs;
      const on = b.constant(tensor('BOOL', [], Uint8Array.of(1)), 'training_mode');
      const ratioName = ratio === '' ? b.scalar(0.5, b.typeOf(x).dtype) : ratio;
      const attrs = node.attrs['seed'] === undefined ? { ...node.attrs, seed: attr.int(seed++) } : node.attrs;
      b.addNode({ ...node, inputs: [x, ratioName, on], outputs: extra(1, 'mask'), attrs });
    } else if (node.op === 'MaxPool') {
      b.addNode({ ...node, outputs: extra(1, 'indices') });
    } else if (node.op === 'SoftmaxCrossEntropyLoss') {
      b.addNode({ ...node, outputs: extra(1, 'log_prob') });
    } else {
      b.addNode(node);
    }
  }
  return { bufferUpdates: updates };
}
