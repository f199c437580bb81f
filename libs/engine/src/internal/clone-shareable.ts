import { Dxo, Shareable, cloneParamMap } from '@hearth/core';
import type { JsonObject } from '@hearth/core';

function cloneDxo(dxo: Dxo): Dxo {
  return new Dxo({
    kind: dxo.kind,
    params: dxo.params === undefined ? undefined : cloneParamMap(dxo.params),
    values: dxo.values === undefined ? undefined : (structuredClone(dxo.values) as JsonObject),
    items: dxo.items === undefined ? undefined : new Map([...dxo.items].map(([name, item]) => [name, cloneDxo(item)])),
    meta: structuredClone(dxo.meta) as JsonObject,
  });
}

/**
 * A deep copy of a Shareable (headers, meta, values and tensor data), for filters that may change what they
 * get in place: the server filters each client's copy of task data that all clients share.
 */
export function cloneShareable(shareable: Shareable): Shareable {
  return new Shareable({
    headers: structuredClone(shareable.headers) as JsonObject,
    dxo: shareable.dxo === undefined ? undefined : cloneDxo(shareable.dxo),
  });
}
