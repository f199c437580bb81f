import type { HearthError, Tensor } from '@hearth/core';
import { OnnxTrainErrorCode, onnxTrainError } from '../errors.js';
import type { OnnxTrainErrorCodeValue } from '../errors.js';
import type { AttrValue, Graph, NodeDef } from './types.js';

/** `node "name" (Op)`: how every error message names a node. */
export function describeNode(node: Pick<NodeDef, 'name' | 'op'>): string {
  return `node "${node.name}" (${node.op})`;
}

/** An error (INVALID_NODE unless `code` says otherwise) whose message and context name the node and its op. */
export function nodeError(
  node: Pick<NodeDef, 'name' | 'op'>,
  message: string,
  code: OnnxTrainErrorCodeValue = OnnxTrainErrorCode.INVALID_NODE,
): HearthError {
  return onnxTrainError(code, `${describeNode(node)}: ${message}`, {
    context: { node: node.name, op: node.op },
  });
}

function attrOfKind<K extends AttrValue['kind']>(node: NodeDef, name: string, kind: K): Extract<AttrValue, { kind: K }> | undefined {
  const attr = node.attrs[name];
  if (attr === undefined) return undefined;
  if (attr.kind !== kind) throw nodeError(node, `attribute "${name}" must be of kind ${kind}, got ${attr.kind}`);
  return attr as Extract<AttrValue, { kind: K }>;
}

/** Reads an int attribute, or `fallback` when it is absent. */
export function attrInt(node: NodeDef, name: string, fallback: number): number {
  return attrOfKind(node, name, 'int')?.value ?? fallback;
}

/** Reads a float attribute, or `fallback` when it is absent. */
export function attrFloat(node: NodeDef, name: string, fallback: number): number {
  return attrOfKind(node, name, 'float')?.value ?? fallback;
}

/** Reads a string attribute, or `fallback` when it is absent. */
export function attrString(node: NodeDef, name: string, fallback: string): string {
  return attrOfKind(node, name, 'string')?.value ?? fallback;
}

/** Reads an ints attribute, or undefined when it is absent. */
export function attrInts(node: NodeDef, name: string): readonly number[] | undefined {
  return attrOfKind(node, name, 'ints')?.value;
}

/** Reads a tensor attribute, or undefined when it is absent. */
export function attrTensor(node: NodeDef, name: string): Tensor | undefined {
  return attrOfKind(node, name, 'tensor')?.value;
}

/** Reads a graph attribute, failing when it is absent. */
export function attrGraph(node: NodeDef, name: string): Graph {
  const graph = attrOfKind(node, name, 'graph')?.value;
  if (graph === undefined) throw nodeError(node, `attribute "${name}" (a graph) is required`);
  return graph;
}

/** Shorthand constructors for attribute values, so call sites read `{ axis: int(1) }`. */
export const attr = {
  int: (value: number): AttrValue => ({ kind: 'int', value }),
  float: (value: number): AttrValue => ({ kind: 'float', value }),
  string: (value: string): AttrValue => ({ kind: 'string', value }),
  ints: (value: readonly number[]): AttrValue => ({ kind: 'ints', value: [...value] }),
  floats: (value: readonly number[]): AttrValue => ({ kind: 'floats', value: [...value] }),
  tensor: (value: Tensor): AttrValue => ({ kind: 'tensor', value }),
  graph: (value: Graph): AttrValue => ({ kind: 'graph', value }),
} as const;
