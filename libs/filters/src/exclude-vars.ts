import { DataKind, Dxo, Filter, HearthError, MetaKey, TENSOR_KINDS } from '@hearth/core';
import type { DataKindValue, FLContext, JsonValue, ParamMap, Shareable } from '@hearth/core';
import { FiltersErrorCode } from './errors.js';
import { NameMatcher } from './name-matcher.js';

/** Options for {@link ExcludeVars}; the job config's `exclude_vars` maps onto `excludeVars`. */
export interface ExcludeVarsOptions {
  /**
   * What to remove: exact tensor names or regular expressions written `/pattern/flags`, as one string or
   * a list, e.g. `["fc.bias", "/^encoder\\./"]`.
   */
  readonly excludeVars: string | readonly string[];
  /** The tensor kinds to filter. @default WEIGHTS and WEIGHT_DIFF */
  readonly dataKinds?: readonly DataKindValue[];
}

/** The name this filter writes into `filter_history`. */
const FILTER_NAME = 'ExcludeVars';

function stringList(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * Removes tensors from tensor DXOs before they leave (or after they arrive): typically layers a site must
 * not share, or that are not federated at all (batch-norm statistics, personalised heads). Works on WEIGHTS
 * and WEIGHT_DIFF DXOs and on the tensor items of COLLECTION DXOs, at any depth.
 *
 * Each DXO it filters gets `ExcludeVars` appended to `filter_history` and the removed names added to
 * `PROCESSED_KEYS`, so the receiver can tell a removed tensor from a missing one. The input DXO and its
 * param map are never modified (task data may be shared by every client); tensors are not copied.
 */
export class ExcludeVars extends Filter {
  readonly #matcher: NameMatcher;
  readonly #kinds: ReadonlySet<DataKindValue>;

  /** Throws `HEARTH_ERR_FILTER_INVALID_ARGS` or `HEARTH_ERR_FILTER_INVALID_PATTERN` naming the bad entry. */
  constructor(options: ExcludeVarsOptions) {
    super();
    const raw: unknown = options.excludeVars;
    const entries = typeof raw === 'string' ? [raw] : raw;
    if (!Array.isArray(entries) || entries.length === 0) {
      const message = `exclude_vars must be a name, a /pattern/ or a non-empty list of them, got ${JSON.stringify(raw)}`;
      throw new HearthError(FiltersErrorCode.INVALID_ARGS, message, { context: { excludeVars: raw } });
    }
    this.#matcher = new NameMatcher(entries as string[]);
    const kinds = options.dataKinds ?? [DataKind.WEIGHTS, DataKind.WEIGHT_DIFF];
    for (const kind of kinds) {
      if (!TENSOR_KINDS.has(kind)) {
        const message = `data_kinds may only name tensor kinds (WEIGHTS, WEIGHT_DIFF), got ${JSON.stringify(kind)}`;
        throw new HearthError(FiltersErrorCode.INVALID_ARGS, message, { context: { kind } });
      }
    }
    this.#kinds = new Set(kinds);
  }

  /** Replaces the Shareable's DXO with a filtered copy; a Shareable without a DXO passes unchanged. */
  override process(data: Shareable, ctx: FLContext): Shareable {
    if (data.dxo === undefined) return data;
    const filtered = this.#filter(data.dxo);
    if (filtered === undefined) return data;
    data.dxo = filtered.dxo;
    ctx.engine.logger.debug({ component: this.id, removed: filtered.removed }, `${FILTER_NAME} removed ${filtered.removed.length} tensors`);
    return data;
  }

  /** The filtered DXO and the removed names (`item/name` inside collections), or undefined when it does not apply. */
  #filter(dxo: Dxo): { readonly dxo: Dxo; readonly removed: string[] } | undefined {
    if (dxo.kind === DataKind.COLLECTION && dxo.items !== undefined) return this.#filterCollection(dxo, dxo.items);
    if (!this.#kinds.has(dxo.kind) || dxo.params === undefined) return undefined;
    const kept: ParamMap = new Map();
    const removed: string[] = [];
    for (const [name, t] of dxo.params) {
      if (this.#matcher.matches(name)) removed.push(name);
      else kept.set(name, t);
    }
    const processed = [...new Set([...stringList(dxo.meta[MetaKey.PROCESSED_KEYS]), ...removed])];
    const history = [...stringList(dxo.meta[MetaKey.FILTER_HISTORY]), FILTER_NAME];
    const meta = { [MetaKey.PROCESSED_KEYS]: processed, [MetaKey.FILTER_HISTORY]: history };
    return { dxo: dxo.withParams(kept).withMeta(meta), removed };
  }

  #filterCollection(dxo: Dxo, items: ReadonlyMap<string, Dxo>): { readonly dxo: Dxo; readonly removed: string[] } | undefined {
    const next = new Map<string, Dxo>();
    const removed: string[] = [];
    let applied = false;
    for (const [key, item] of items) {
      const filtered = this.#filter(item);
      next.set(key, filtered?.dxo ?? item);
      if (filtered === undefined) continue;
      applied = true;
      removed.push(...filtered.removed.map((name) => `${key}/${name}`));
    }
    if (!applied) return undefined;
    const history = [...stringList(dxo.meta[MetaKey.FILTER_HISTORY]), FILTER_NAME];
    const meta = { ...dxo.meta, [MetaKey.FILTER_HISTORY]: history };
    return { dxo: new Dxo({ kind: dxo.kind, items: next, values: dxo.values, meta }), removed };
  }
}
