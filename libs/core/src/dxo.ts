import { CoreErrorCode, HearthError } from './errors.js';
import type { JsonObject, JsonValue } from './json.js';
import type { ParamMap } from './param-map.js';
import type { ParamSource } from './param-source.js';

/** What a DXO carries. Tensor kinds carry a {@link ParamMap}; the others carry JSON values or other DXOs. */
export const DataKind = {
  WEIGHTS: 'WEIGHTS',
  WEIGHT_DIFF: 'WEIGHT_DIFF',
  METRICS: 'METRICS',
  ANALYTIC: 'ANALYTIC',
  COLLECTION: 'COLLECTION',
  STATISTICS: 'STATISTICS',
  PSI: 'PSI',
  APP_DEFINED: 'APP_DEFINED',
  NONE: 'NONE',
} as const;

/** One of {@link DataKind}. */
export type DataKindValue = (typeof DataKind)[keyof typeof DataKind];

/** The kinds whose payload is a {@link ParamMap}. */
export const TENSOR_KINDS: ReadonlySet<DataKindValue> = new Set([DataKind.WEIGHTS, DataKind.WEIGHT_DIFF]);

/** Well-known DXO meta keys; names follow NVFlare's MetaKey so jobs read the same. */
export const MetaKey = {
  NUM_STEPS_CURRENT_ROUND: 'NUM_STEPS_CURRENT_ROUND',
  PROCESSED_ALGORITHM: 'PROCESSED_ALGORITHM',
  PROCESSED_KEYS: 'PROCESSED_KEYS',
  INITIAL_METRICS: 'initial_metrics',
  FILTER_HISTORY: 'filter_history',
  CONFIGS: 'configs',
  VALIDATE_TYPE: 'validate_type',
  CURRENT_ROUND: 'current_round',
  TOTAL_ROUNDS: 'total_rounds',
  AGGREGATION_WEIGHT: 'aggregation_weight',
  SOURCE_SITE: 'source_site',
  MODEL_OWNER: 'model_owner',
} as const;

/** Options for building a {@link Dxo}. */
export interface DxoInit {
  readonly kind: DataKindValue;
  /** Tensors, for WEIGHTS and WEIGHT_DIFF. */
  readonly params?: ParamMap;
  /** Tensors kept outside memory, instead of `params`: read on first access to {@link Dxo.params}. */
  readonly paramSource?: ParamSource;
  /** JSON payload, for METRICS, STATISTICS, ANALYTIC, PSI, APP_DEFINED. */
  readonly values?: JsonObject;
  /** Child DXOs, for COLLECTION. */
  readonly items?: ReadonlyMap<string, Dxo>;
  /** Metadata about the payload (see {@link MetaKey}). @default {} */
  readonly meta?: JsonObject;
}

/**
 * Data exchange object: the payload that crosses the wire between server and clients, with its kind and
 * metadata. Tensor payloads stay typed arrays end to end; they are never turned into JSON numbers.
 */
export class Dxo {
  readonly kind: DataKindValue;
  /**
   * Where the tensors live when they were not read into memory (a spooled result); consumers that can work a
   * slice at a time read it instead of `params` while {@link Dxo.paramsLoaded} is false.
   */
  readonly paramSource: ParamSource | undefined;
  #params: ParamMap | undefined;
  readonly values: JsonObject | undefined;
  readonly items: ReadonlyMap<string, Dxo> | undefined;
  readonly meta: Record<string, JsonValue>;

  constructor(init: DxoInit) {
    if (!Object.values(DataKind).includes(init.kind)) {
      throw new HearthError(CoreErrorCode.INVALID_DXO, `unknown DXO kind ${JSON.stringify(init.kind)}`);
    }
    if (init.params !== undefined && init.paramSource !== undefined) {
      throw new HearthError(CoreErrorCode.INVALID_DXO, 'a DXO takes params or a paramSource, not both', { context: { kind: init.kind } });
    }
    if (TENSOR_KINDS.has(init.kind) && init.params === undefined && init.paramSource === undefined) {
      throw new HearthError(CoreErrorCode.INVALID_DXO, `a ${init.kind} DXO needs params`, { context: { kind: init.kind } });
    }
    if (init.kind === DataKind.COLLECTION && init.items === undefined) {
      throw new HearthError(CoreErrorCode.INVALID_DXO, 'a COLLECTION DXO needs items', { context: { kind: init.kind } });
    }
    this.kind = init.kind;
    this.#params = init.params;
    this.paramSource = init.paramSource;
    this.values = init.values;
    this.items = init.items;
    this.meta = { ...(init.meta ?? {}) };
  }

  /** The tensors, read into memory from the {@link Dxo.paramSource} on first access when there is one. */
  get params(): ParamMap | undefined {
    if (this.#params === undefined && this.paramSource !== undefined) this.#params = this.paramSource.load();
    return this.#params;
  }

  /** False while the tensors are only in the {@link Dxo.paramSource}; true once in memory, or when there are none. */
  get paramsLoaded(): boolean {
    return this.#params !== undefined || this.paramSource === undefined;
  }

  /** The tensors of a tensor DXO; throws a coded error for other kinds. */
  requireParams(): ParamMap {
    if (this.params === undefined) {
      throw new HearthError(CoreErrorCode.INVALID_DXO, `expected a DXO with params, got ${this.kind}`, { context: { kind: this.kind } });
    }
    return this.params;
  }

  /** A numeric meta value, or `fallback` when absent or not a number. */
  metaNumber(key: string, fallback: number): number {
    const v = this.meta[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
  }

  /** A copy with `meta` merged over this one's; the payload is shared, not copied. */
  withMeta(meta: JsonObject): Dxo {
    const tensors = this.paramsLoaded ? { params: this.#params } : { paramSource: this.paramSource };
    return new Dxo({ kind: this.kind, ...tensors, values: this.values, items: this.items, meta: { ...this.meta, ...meta } });
  }

  /** A copy with new params (same kind and meta). */
  withParams(params: ParamMap, kind: DataKindValue = this.kind): Dxo {
    return new Dxo({ kind, params, values: this.values, items: this.items, meta: this.meta });
  }
}
