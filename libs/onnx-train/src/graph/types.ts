import type { DType, Tensor } from '@hearth/core';

/** A dimension: a known size, or a symbol (such as `N` for the batch) that is fixed only at run time. */
export type Dim = number | string;

/** The element type and shape of a value in a graph. */
export interface ValueType {
  readonly dtype: DType;
  readonly shape: readonly Dim[];
}

/** A named graph input or output with its type. */
export interface ValueInfo extends ValueType {
  readonly name: string;
}

/**
 * A node attribute. ONNX tells ints from floats, and JavaScript numbers do not, so every value carries
 * its kind.
 */
export type AttrValue =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'strings'; readonly value: readonly string[] }
  | { readonly kind: 'tensor'; readonly value: Tensor }
  | { readonly kind: 'graph'; readonly value: Graph };

/** One operator application. A missing optional input is the empty string, as in ONNX. */
export interface NodeDef {
  readonly name: string;
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: Readonly<Record<string, AttrValue>>;
}

/**
 * The builder's representation of an ONNX graph: typed inputs and outputs, constant initializers and
 * nodes in topological order. Subgraphs (a Loop body) may name values of the enclosing graph.
 */
export interface Graph {
  readonly name: string;
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  readonly initializers: ReadonlyMap<string, Tensor>;
  readonly nodes: readonly NodeDef[];
}

/** The ONNX opset (default domain) every graph built here targets. */
export const OPSET_VERSION = 17;

/** The ONNX IR version written with {@link OPSET_VERSION}. */
export const IR_VERSION = 8;
