import { OnnxTrainErrorCode } from '../errors.js';
import { attrInt, attrInts, attrString, nodeError } from './node-attrs.js';
import type { Dim, NodeDef } from './types.js';

/** Window geometry of a Conv, ConvTranspose or pooling node with every default and `auto_pad` resolved. */
export interface ConvGeometry {
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  /** Begin pads of every spatial axis, then end pads (ONNX order). */
  readonly pads: readonly number[];
  readonly ceilMode: boolean;
}

/**
 * Resolves the window attributes of `node` for spatial input dims `spatial`. `kernel` comes from the
 * weight shape for Conv and from `kernel_shape` for pools. SAME_* padding needs known spatial sizes.
 */
export function convGeometry(node: NodeDef, options: { spatial: readonly Dim[]; kernel: readonly number[] }): ConvGeometry {
  const rank = options.spatial.length;
  const kernel = attrInts(node, 'kernel_shape') ?? options.kernel;
  if (kernel.length !== rank) throw nodeError(node, `kernel_shape has ${kernel.length} axes but the input has ${rank} spatial axes`);
  const strides = attrInts(node, 'strides') ?? new Array<number>(rank).fill(1);
  const dilations = attrInts(node, 'dilations') ?? new Array<number>(rank).fill(1);
  if (strides.length !== rank || dilations.length !== rank) throw nodeError(node, `strides and dilations need ${rank} values`);
  if ([...strides, ...dilations, ...kernel].some((v) => !Number.isInteger(v) || v < 1)) {
    throw nodeError(node, 'kernel_shape, strides and dilations must be positive integers');
  }
  const autoPad = attrString(node, 'auto_pad', 'NOTSET');
  let pads: number[];
  if (autoPad === 'NOTSET') {
    pads = [...(attrInts(node, 'pads') ?? new Array<number>(2 * rank).fill(0))];
    if (pads.length !== 2 * rank || pads.some((p) => !Number.isInteger(p) || p < 0)) {
      throw nodeError(node, `pads must be ${2 * rank} non-negative integers`);
    }
  } else if (autoPad === 'VALID') {
    pads = new Array<number>(2 * rank).fill(0);
  } else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    pads = new Array<number>(2 * rank).fill(0);
    for (let i = 0; i < rank; i++) {
      const size = options.spatial[i];
      if (typeof size !== 'number') throw nodeError(node, `auto_pad ${autoPad} needs a known spatial size`, OnnxTrainErrorCode.UNSUPPORTED_ATTRIBUTE);
      const stride = strides[i] ?? 1;
      const out = Math.ceil(size / stride);
      const total = Math.max(0, (out - 1) * stride + ((kernel[i] ?? 1) - 1) * (dilations[i] ?? 1) + 1 - size);
      const small = Math.floor(total / 2);
      pads[i] = autoPad === 'SAME_UPPER' ? small : total - small;
      pads[i + rank] = total - (pads[i] ?? 0);
    }
  } else {
    throw nodeError(node, `auto_pad "${autoPad}" is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER`, OnnxTrainErrorCode.UNSUPPORTED_ATTRIBUTE);
  }
  return { kernel, strides, dilations, pads, ceilMode: attrInt(node, 'ceil_mode', 0) === 1 };
}

/** Output spatial sizes of a sliding window; unknown input sizes give fresh symbols named after the node. */
export function windowOutput(node: NodeDef, options: { spatial: readonly Dim[]; geometry: ConvGeometry }): Dim[] {
  const { geometry } = options;
  const rank = options.spatial.length;
  return options.spatial.map((size, i) => {
    if (typeof size !== 'number') return `${node.name}:${i + 2}`;
    const span = ((geometry.kernel[i] ?? 1) - 1) * (geometry.dilations[i] ?? 1) + 1;
    const padded = size + (geometry.pads[i] ?? 0) + (geometry.pads[i + rank] ?? 0) - span;
    const stride = geometry.strides[i] ?? 1;
    if (padded < 0) throw nodeError(node, `window of ${span} does not fit spatial axis ${i + 2} of size ${size} with its padding`);
    let out = geometry.ceilMode ? Math.ceil(padded / stride) + 1 : Math.floor(padded / stride) + 1;
    if (geometry.ceilMode && (out - 1) * stride >= size + (geometry.pads[i] ?? 0)) out -= 1;
    return out;
  });
}
