import { tensorsEqual } from '@hearth/core';
import type { Dxo, ParamMap, Shareable } from '@hearth/core';
import { crc32 } from 'node:zlib';

function paramsDifference(a: ParamMap, b: ParamMap, path: string): string | undefined {
  const namesA = [...a.keys()];
  const namesB = [...b.keys()];
  if (JSON.stringify(namesA) !== JSON.stringify(namesB)) return `${path}: names ${JSON.stringify(namesA)} vs ${JSON.stringify(namesB)}`;
  for (const [name, t] of a) {
    const other = b.get(name);
    if (other === undefined || !tensorsEqual(t, other)) return `${path}[${JSON.stringify(name)}]: tensors differ`;
  }
  return undefined;
}

/** The first difference between two DXOs (order-sensitive, bit-exact for tensors), or undefined. */
export function dxoDifference(a: Dxo | undefined, b: Dxo | undefined, path = 'dxo'): string | undefined {
  if (a === undefined || b === undefined) return a === b ? undefined : `${path}: one side has no DXO`;
  if (a.kind !== b.kind) return `${path}.kind: ${a.kind} vs ${b.kind}`;
  if (JSON.stringify(a.meta) !== JSON.stringify(b.meta)) return `${path}.meta differs`;
  if (JSON.stringify(a.values) !== JSON.stringify(b.values)) return `${path}.values differ`;
  if ((a.params === undefined) !== (b.params === undefined)) return `${path}.params: present on one side only`;
  if (a.params !== undefined && b.params !== undefined) {
    const diff = paramsDifference(a.params, b.params, `${path}.params`);
    if (diff !== undefined) return diff;
  }
  if ((a.items === undefined) !== (b.items === undefined)) return `${path}.items: present on one side only`;
  if (a.items !== undefined && b.items !== undefined) {
    const namesA = [...a.items.keys()];
    if (JSON.stringify(namesA) !== JSON.stringify([...b.items.keys()])) return `${path}.items: names differ`;
    for (const name of namesA) {
      const diff = dxoDifference(a.items.get(name), b.items.get(name), `${path}.items[${JSON.stringify(name)}]`);
      if (diff !== undefined) return diff;
    }
  }
  return undefined;
}

/** The first difference between two Shareables, or undefined when they are the same. */
export function shareableDifference(a: Shareable, b: Shareable): string | undefined {
  if (JSON.stringify(a.headers) !== JSON.stringify(b.headers)) return 'headers differ';
  return dxoDifference(a.dxo, b.dxo);
}

/** Rewrites the envelope's CRC-32 after a test changed its bytes, so the change reaches the structural checks. */
export function resealChecksum(envelope: Uint8Array): void {
  if (envelope.byteLength < 8) return;
  new DataView(envelope.buffer, envelope.byteOffset, envelope.byteLength).setUint32(4, crc32(envelope.subarray(8)), true);
}
