import type { DType, ParamMap, TensorData } from './param-map.js';

/** Name, dtype and shape of one tensor of a {@link ParamSource}. */
export interface TensorSpec {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/**
 * Tensors kept outside memory, for models too large to hold twice: a result a transport spooled to disk, say.
 * A consumer that can work a slice at a time (a weighted sum) reads them with `forEachSlice` and never holds a
 * whole tensor; any other consumer calls `load`, which is what `Dxo.params` does on first access. Reads are
 * synchronous so that such a consumer keeps the synchronous contracts it already has (Aggregator.accept).
 */
export interface ParamSource {
  /** The tensors, in order. */
  readonly specs: readonly TensorSpec[];
  /**
   * Calls `visit` with consecutive slices of tensor `name`, each at most `maxBytes` long (rounded down to whole
   * elements, at least one element), with the index of the slice's first element. A slice is valid only
   * during its call. Throws when the tensor is unknown or cannot be read.
   */
  forEachSlice(name: string, maxBytes: number, visit: (slice: TensorData, firstElement: number) => void): void;
  /** Every tensor, read into memory (each in its own buffer). */
  load(): ParamMap;
}
