import { DataKind, DTYPES, Dxo, allocData, numelOf, Shareable } from '@hearth/core';
import type { DType, JsonObject, JsonValue, ParamMap, Tensor } from '@hearth/core';
import type { SeededRandom } from './seeded-random.js';

/** Names that trip naive encoders: unicode, integer-like (JS objects reorder those), JSON escapes, empty. */
const AWKWARD_NAMES = [
  '',
  '0',
  '7',
  '42',
  '__proto__',
  'constructor',
  'layer.0.weight',
  'encoder/attn/q_proj',
  'вес',
  '权重.偏置',
  'naïve café',
  '🔥 hot',
  'quote " and \\ backslash',
  'tab\tnewline\n',
  '\u0000nul',
];

/** A name from the awkward list or a random mix of ASCII, BMP and astral characters. */
export function randomName(rng: SeededRandom): string {
  if (rng.chance(0.5)) return rng.pick(AWKWARD_NAMES);
  const alphabet = ['a', 'b', 'z', '.', '_', '-', '9', 'é', 'ß', '中', '𝔘', '😀', ' '];
  let name = '';
  const length = 1 + rng.int(12);
  for (let i = 0; i < length; i++) name += rng.pick(alphabet);
  return name;
}

/** A random shape: scalars, empty dimensions and small ranks. */
export function randomShape(rng: SeededRandom): number[] {
  const rank = rng.int(4);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(rng.chance(0.1) ? 0 : 1 + rng.int(5));
  return shape;
}

/** A tensor of `dtype` with random bits (NaNs and infinities included for floats; 0 or 1 for BOOL). */
export function randomTensor(rng: SeededRandom, dtype: DType): Tensor {
  const shape = randomShape(rng);
  const data = allocData(dtype, numelOf(shape));
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (dtype === 'BOOL') {
    for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(2);
  } else {
    rng.fill(bytes);
  }
  return { dtype, shape, data };
}

/** A ParamMap of up to `maxTensors` tensors of every dtype, with awkward names. */
export function randomParamMap(rng: SeededRandom, maxTensors = 8): ParamMap {
  const params: ParamMap = new Map();
  const count = rng.int(maxTensors + 1);
  while (params.size < count) {
    const name = randomName(rng);
    if (!params.has(name)) params.set(name, randomTensor(rng, rng.pick(DTYPES)));
  }
  return params;
}

/** A random JSON value no deeper than `depth` (no -0, which JSON cannot carry). */
export function randomJson(rng: SeededRandom, depth: number): JsonValue {
  const choice = rng.int(depth > 0 ? 8 : 6);
  switch (choice) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.int(2_000_001) - 1_000_000;
    case 3:
      return (rng.next() - 0.5) * 10 ** rng.int(30) || 1;
    case 4:
    case 5:
      return randomName(rng);
    case 6:
      return Array.from({ length: rng.int(4) }, () => randomJson(rng, depth - 1));
    default:
      return randomJsonObject(rng, depth - 1);
  }
}

/** A random JSON object no deeper than `depth + 1`. */
export function randomJsonObject(rng: SeededRandom, depth: number): JsonObject {
  const out: Record<string, JsonValue> = {};
  const count = rng.int(4);
  for (let i = 0; i < count; i++) {
    Object.defineProperty(out, randomName(rng), { value: randomJson(rng, depth), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const JSON_KINDS = [DataKind.METRICS, DataKind.ANALYTIC, DataKind.STATISTICS, DataKind.PSI, DataKind.APP_DEFINED] as const;

/** A random DXO of any kind; COLLECTIONs nest up to `depth` levels. */
export function randomDxo(rng: SeededRandom, depth = 3): Dxo {
  const meta = randomJsonObject(rng, 2);
  const roll = rng.int(depth > 1 ? 5 : 4);
  if (roll === 0 || roll === 1) {
    const kind = rng.pick([DataKind.WEIGHTS, DataKind.WEIGHT_DIFF]);
    return new Dxo({ kind, params: randomParamMap(rng), meta, values: rng.chance(0.2) ? randomJsonObject(rng, 1) : undefined });
  }
  if (roll === 2) {
    const params = rng.chance(0.2) ? randomParamMap(rng, 2) : undefined;
    return new Dxo({ kind: rng.pick(JSON_KINDS), values: randomJsonObject(rng, 3), meta, params });
  }
  if (roll === 3) return new Dxo({ kind: DataKind.NONE, meta });
  const items = new Map<string, Dxo>();
  const count = rng.int(4);
  while (items.size < count) items.set(randomName(rng), randomDxo(rng, depth - 1));
  return new Dxo({ kind: DataKind.COLLECTION, items, meta });
}

/** A random Shareable: JSON headers and, most of the time, a random DXO. */
export function randomShareable(rng: SeededRandom): Shareable {
  return new Shareable({ headers: randomJsonObject(rng, 3), dxo: rng.chance(0.85) ? randomDxo(rng) : undefined });
}
