import { deserialize, serialize } from 'node:v8';
import { Dxo, Shareable } from '@hearth/core';
import type { DataKindValue, JsonObject, ParamMap } from '@hearth/core';
import type { ShareableCodec } from '../shareable-codec.js';

interface PlainDxo {
  readonly kind: DataKindValue;
  readonly params: ParamMap | undefined;
  readonly values: JsonObject | undefined;
  readonly items: Array<[string, PlainDxo]> | undefined;
  readonly meta: JsonObject;
}

function toPlain(dxo: Dxo): PlainDxo {
  return {
    kind: dxo.kind,
    params: dxo.params,
    values: dxo.values,
    items: dxo.items === undefined ? undefined : [...dxo.items].map(([name, item]) => [name, toPlain(item)]),
    meta: dxo.meta,
  };
}

function fromPlain(plain: PlainDxo): Dxo {
  return new Dxo({
    kind: plain.kind,
    params: plain.params,
    values: plain.values,
    items: plain.items === undefined ? undefined : new Map(plain.items.map(([name, item]) => [name, fromPlain(item)])),
    meta: plain.meta,
  });
}

/** A codec for tests: V8's structured-clone serialization, so every decode yields fresh objects and buffers. */
export function cloneCodec(counter?: { encoded: number; decoded: number }): ShareableCodec {
  return {
    encode(shareable: Shareable): Uint8Array {
      if (counter !== undefined) counter.encoded += 1;
      return serialize({ headers: shareable.headers, dxo: shareable.dxo === undefined ? undefined : toPlain(shareable.dxo) });
    },
    decode(bytes: Uint8Array): Shareable {
      if (counter !== undefined) counter.decoded += 1;
      const plain = deserialize(bytes) as { headers: JsonObject; dxo: PlainDxo | undefined };
      return new Shareable({ headers: plain.headers, dxo: plain.dxo === undefined ? undefined : fromPlain(plain.dxo) });
    },
  };
}
