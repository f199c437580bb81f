import { DataKind, isFloatDType } from '@hearth/core';
import type { Dxo, ParamMap, Tensor } from '@hearth/core';
import { WorkflowErrorCode, workflowError } from './errors.js';

function sameLayout(a: Tensor, b: Tensor): boolean {
  return a.dtype === b.dtype && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
}

function describe(t: Tensor): string {
  return `${t.dtype}[${t.shape.join(', ')}]`;
}

/**
 * Applies an aggregate (or a client update) to a global model and returns the new model; the old one is
 * left untouched, so DXOs already sent to clients stay valid. WEIGHTS replace the named tensors (tensors the
 * update leaves out, e.g. ones a filter excluded, keep their values); WEIGHT_DIFF adds to them. Tensors keep
 * the global model's order.
 */
export function applyModelUpdate(global: ParamMap, update: Dxo): ParamMap {
  if (update.kind !== DataKind.WEIGHTS && update.kind !== DataKind.WEIGHT_DIFF) {
    throw workflowError(WorkflowErrorCode.INVALID_MODEL, `cannot apply a ${update.kind} DXO to a model; expected WEIGHTS or WEIGHT_DIFF`, {
      kind: update.kind,
    });
  }
  const next: ParamMap = new Map(global);
  for (const [name, incoming] of update.requireParams()) {
    const current = global.get(name);
    if (current !== undefined && !sameLayout(current, incoming)) {
      throw workflowError(
        WorkflowErrorCode.INVALID_MODEL,
        `update for ${name} is ${describe(incoming)} but the global model has ${describe(current)}`,
        { name, expected: describe(current), got: describe(incoming) },
      );
    }
    if (update.kind === DataKind.WEIGHTS) {
      next.set(name, incoming);
      continue;
    }
    if (current === undefined) {
      throw workflowError(WorkflowErrorCode.INVALID_MODEL, `WEIGHT_DIFF names ${name}, which the global model does not have`, { name });
    }
    if (!isFloatDType(current.dtype)) {
      throw workflowError(WorkflowErrorCode.INVALID_MODEL, `cannot add a WEIGHT_DIFF to ${name} of dtype ${current.dtype}; only F32 and F64 add`, {
        name,
        dtype: current.dtype,
      });
    }
    const sum = (current.data as Float32Array | Float64Array).slice();
    const diff = incoming.data as Float32Array | Float64Array;
    for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) + (diff[i] as number);
    next.set(name, { dtype: current.dtype, shape: [...current.shape], data: sum });
  }
  return next;
}
