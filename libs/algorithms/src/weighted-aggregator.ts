import {
  Aggregator,
  allocData,
  ContextKey,
  DataKind,
  Dxo,
  HeaderKey,
  HearthError,
  MetaKey,
  numelOf,
  ReturnCode,
  Shareable,
  TENSOR_KINDS,
} from '@hearth/core';
import type { DataKindValue, DType, FLContext, JsonValue, ParamMap, Tensor, TensorSpec } from '@hearth/core';
import { AlgorithmsErrorCode } from './errors.js';
import { addWeighted, isAveragedDType, weightedMean } from './weighted-sum.js';
import type { AveragedDType, SumArray } from './weighted-sum.js';

/** Bytes read at a time from a result whose tensors stay in a ParamSource (a spooled result). */
const SLICE_BYTES = 4 * 1024 * 1024;

/** Options for {@link WeightedAggregator}; the job config's `args` map onto these one to one. */
export interface WeightedAggregatorOptions {
  /**
   * Per-site multipliers of the aggregation weight, e.g. `{ 'site-1': 2 }` for a site whose data counts
   * double. A site with weight 0 is left out. @default 1 for every site
   */
  readonly weights?: Readonly<Record<string, number>>;
  /**
   * The one tensor kind to accept, WEIGHTS or WEIGHT_DIFF. @default either; the first result accepted after
   * a reset fixes the kind for the round, so the two are never mixed
   */
  readonly expectedDataKind?: DataKindValue;
  /**
   * Element type of the running sums. F64 keeps the mean exact to float32 precision whatever the order results
   * arrive in; F32 halves the server's memory (the sums are then as large as the model, for a server that must
   * hold no more than twice the model) at the cost of float32 rounding in each addition. @default 'F64'
   */
  readonly sumDType?: 'F64' | 'F32';
}

/** The layout of one tensor, fixed by the first accepted result of a round. */
interface Slot {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Running Σ weight × value; undefined for tensors that are not averaged. */
  readonly sum: SumArray | undefined;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function checkLayout(specs: readonly TensorSpec[], slots: readonly Slot[]): string | undefined {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  for (const slot of slots) {
    const t = byName.get(slot.name);
    if (t === undefined) return `tensor "${slot.name}" is missing`;
    if (t.dtype !== slot.dtype) return `tensor "${slot.name}" has dtype ${t.dtype}, expected ${slot.dtype}`;
    if (!sameShape(t.shape, slot.shape)) return `tensor "${slot.name}" has shape ${shapeText(t.shape)}, expected ${shapeText(slot.shape)}`;
  }
  if (byName.size !== slots.length) {
    const known = new Set(slots.map((s) => s.name));
    const extra = [...byName.keys()].filter((name) => !known.has(name));
    return `unexpected tensor${extra.length === 1 ? '' : 's'} ${extra.map((n) => `"${n}"`).join(', ')}`;
  }
  return undefined;
}

function specsOf(params: ParamMap): TensorSpec[] {
  return [...params].map(([name, t]) => ({ name, dtype: t.dtype, shape: t.shape }));
}

function checkTensors(params: ParamMap): string | undefined {
  for (const [name, t] of params) {
    if (t.data.length !== numelOf(t.shape)) return `tensor "${name}" has ${t.data.length} elements for shape ${shapeText(t.shape)}`;
  }
  return undefined;
}

/**
 * Federated averaging (FedAvg) that folds each client result into a running sum the moment it arrives:
 * one Float64 (or, with `sumDType: 'F32'`, Float32) accumulator per tensor, so server memory is O(model)
 * whatever the number of clients, and no result is kept after `accept` returns. A result whose tensors stay in
 * a ParamSource (a result the transport spooled to disk) is read a slice at a time and never held whole; the
 * mean is divided in the sums' own memory where the element types match, so with F32 sums a server holds the
 * global model and one model-sized sum, nothing more.
 *
 * Each result counts with weight = `NUM_STEPS_CURRENT_ROUND` from its DXO meta (default 1) × the site's
 * weight from the options (default 1). `aggregate` returns the weighted mean as a DXO of the same kind
 * (WEIGHTS or WEIGHT_DIFF) and dtypes as the inputs, with `NUM_STEPS_CURRENT_ROUND` = total weight.
 *
 * Floating tensors (F64, F32, F16, BF16) are averaged. Integer and boolean tensors (step counters, masks,
 * indices) have no meaningful mean; they must still match across results, but are left out of the aggregate,
 * so a workflow that merges the aggregate into the global model keeps their global values.
 *
 * A result is rejected (accept returns false and the reason is logged) when it has no `site_name` header,
 * a non-OK return code, a round other than the one the aggregator was reset for (`ContextKey.CURRENT_ROUND`
 * of the reset context, else the round of the first accepted result), a site that already contributed, a
 * kind it does not take, tensors whose names, dtypes or shapes differ from the first accepted result, or a
 * weight that is not positive. Rejection leaves the running sums untouched.
 */
export class WeightedAggregator extends Aggregator {
  readonly #weights: ReadonlyMap<string, number>;
  readonly #expectedKind: DataKindValue | undefined;
  readonly #sumDType: 'F64' | 'F32';
  #round: number | undefined;
  #kind: DataKindValue | undefined;
  #slots: Slot[] | undefined;
  readonly #contributors: string[] = [];
  #totalWeight = 0;
  /** The mean, once `aggregate` computed it (in the sums' own memory where the types allow). */
  #aggregated: ParamMap | undefined;
  /** Why this round cannot be aggregated: a result failed half-way through being folded in. */
  #broken: string | undefined;

  constructor(options: WeightedAggregatorOptions = {}) {
    super();
    const kind = options.expectedDataKind;
    if (kind !== undefined && !TENSOR_KINDS.has(kind)) {
      const message = `expectedDataKind must be WEIGHTS or WEIGHT_DIFF, got ${JSON.stringify(kind)}`;
      throw new HearthError(AlgorithmsErrorCode.INVALID_OPTIONS, message, { context: { expectedDataKind: kind } });
    }
    const weights = new Map<string, number>();
    for (const [site, weight] of Object.entries(options.weights ?? {})) {
      if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
        const message = `weight of site "${site}" must be a finite number >= 0, got ${String(weight)}`;
        throw new HearthError(AlgorithmsErrorCode.INVALID_OPTIONS, message, { context: { site, weight } });
      }
      weights.set(site, weight);
    }
    this.#weights = weights;
    this.#expectedKind = kind;
    const sumDType = options.sumDType ?? 'F64';
    if (sumDType !== 'F64' && sumDType !== 'F32') {
      throw new HearthError(AlgorithmsErrorCode.INVALID_OPTIONS, `sumDType must be F64 or F32, got ${JSON.stringify(sumDType)}`, { context: { sumDType } });
    }
    this.#sumDType = sumDType;
  }

  /** The round being aggregated, once known. */
  get round(): number | undefined {
    return this.#round;
  }

  /** Sites whose results were accepted since the last reset, in arrival order. */
  get contributors(): readonly string[] {
    return [...this.#contributors];
  }

  /** Sum of the weights of the accepted results. */
  get totalWeight(): number {
    return this.#totalWeight;
  }

  /** Forgets every accepted result and takes the round to aggregate from `ContextKey.CURRENT_ROUND`, if set. */
  override reset(ctx: FLContext): void {
    const round = ctx.get<unknown>(ContextKey.CURRENT_ROUND);
    this.#round = typeof round === 'number' && Number.isFinite(round) ? round : undefined;
    this.#kind = undefined;
    this.#slots = undefined;
    this.#contributors.length = 0;
    this.#totalWeight = 0;
    this.#aggregated = undefined;
    this.#broken = undefined;
  }

  /** Folds one client result into the running sums; false (and a logged reason) when it is rejected. */
  override accept(result: Shareable, ctx: FLContext): boolean {
    const site = result.stringHeader(HeaderKey.SITE_NAME);
    const round = result.numberHeader(HeaderKey.CURRENT_ROUND);
    const verdict = this.#judge(result, { site, round });
    if (typeof verdict === 'string') {
      ctx.engine.logger.warn({ component: this.id, site, round, reason: verdict }, `result rejected: ${verdict}`);
      return false;
    }
    const { dxo, specs, kind, weight } = verdict;
    const slots = this.#slots ?? this.#createSlots(specs);
    this.#slots = slots;
    try {
      for (const slot of slots) this.#fold(slot, dxo, weight);
    } catch (err) {
      this.#broken = `the result of ${String(site)} failed half-way through being added: ${err instanceof Error ? err.message : String(err)}`;
      ctx.engine.logger.error({ component: this.id, site, round, err }, this.#broken);
      return false;
    }
    this.#kind = kind;
    this.#round ??= round;
    this.#contributors.push(site as string);
    this.#totalWeight += weight;
    ctx.engine.logger.debug({ component: this.id, site, round: this.#round, weight }, 'result accepted');
    return true;
  }

  /**
   * The weighted mean of everything accepted since the last reset. Throws `HEARTH_ERR_AGGREGATOR_EMPTY`
   * when nothing was accepted. Calling it again gives the same result; it does not reset.
   */
  override aggregate(ctx: FLContext): Shareable {
    const slots = this.#slots;
    if (slots === undefined || this.#kind === undefined || this.#totalWeight === 0) {
      const message = `nothing to aggregate: no result was accepted for round ${String(this.#round)}`;
      throw new HearthError(AlgorithmsErrorCode.NOTHING_TO_AGGREGATE, message, { context: { round: this.#round } });
    }
    if (this.#broken !== undefined) {
      throw new HearthError(AlgorithmsErrorCode.RESULT_UNREADABLE, `round ${String(this.#round)} cannot be aggregated: ${this.#broken}`, {
        context: { round: this.#round },
      });
    }
    const params = this.#aggregated ?? this.#mean(slots, ctx);
    this.#aggregated = params;
    const meta: Record<string, JsonValue> = { [MetaKey.NUM_STEPS_CURRENT_ROUND]: this.#totalWeight };
    const headers: Record<string, JsonValue> = {};
    if (this.#round !== undefined) {
      meta[MetaKey.CURRENT_ROUND] = this.#round;
      headers[HeaderKey.CURRENT_ROUND] = this.#round;
    }
    return Shareable.fromDxo(new Dxo({ kind: this.#kind, params, meta }), headers);
  }

  /** The weighted mean, divided in the sums' own memory where the element types match (no third copy of the model). */
  #mean(slots: readonly Slot[], ctx: FLContext): ParamMap {
    const params: ParamMap = new Map();
    const skipped: string[] = [];
    for (const slot of slots) {
      if (slot.sum === undefined) {
        skipped.push(slot.name);
        continue;
      }
      const dtype = slot.dtype as AveragedDType;
      params.set(slot.name, { dtype, shape: [...slot.shape], data: weightedMean({ sum: slot.sum, total: this.#totalWeight, dtype, inPlace: true }) });
    }
    if (skipped.length > 0) {
      ctx.engine.logger.info({ component: this.id, round: this.#round, skipped }, 'non-float tensors left out of the aggregate');
    }
    return params;
  }

  /** Adds `weight` × the result's tensor of `slot` into its sum, from memory or a slice at a time from its source. */
  #fold(slot: Slot, dxo: Dxo, weight: number): void {
    const sum = slot.sum;
    if (sum === undefined) return;
    const dtype = slot.dtype as AveragedDType;
    if (dxo.paramsLoaded) {
      const t = dxo.params?.get(slot.name) as Tensor;
      addWeighted({ sum, data: t.data, dtype, weight });
      return;
    }
    dxo.paramSource?.forEachSlice(slot.name, SLICE_BYTES, (slice, first) => {
      addWeighted({ sum: sum.subarray(first, first + slice.length), data: slice, dtype, weight });
    });
  }

  #judge(
    result: Shareable,
    from: { readonly site: string | undefined; readonly round: number | undefined },
  ): string | { readonly dxo: Dxo; readonly specs: readonly TensorSpec[]; readonly kind: DataKindValue; readonly weight: number } {
    const { site, round } = from;
    if (site === undefined) return `result has no ${HeaderKey.SITE_NAME} header`;
    if (result.returnCode !== ReturnCode.OK) return `return code is ${result.returnCode}`;
    if (this.#round !== undefined && round !== this.#round) {
      if (round === undefined) return `result has no ${HeaderKey.CURRENT_ROUND} header`;
      return `result is for round ${round}, aggregating round ${this.#round}`;
    }
    if (this.#aggregated !== undefined) return `round ${String(this.#round)} was already aggregated`;
    if (this.#contributors.includes(site)) return `site ${site} already contributed to this round`;
    const dxo = result.dxo;
    if (dxo === undefined) return 'result carries no DXO';
    const wanted = this.#kind ?? this.#expectedKind;
    if (wanted !== undefined ? dxo.kind !== wanted : !TENSOR_KINDS.has(dxo.kind)) {
      return `DXO kind ${dxo.kind} is not accepted (expected ${wanted ?? `${DataKind.WEIGHTS} or ${DataKind.WEIGHT_DIFF}`})`;
    }
    // A result whose tensors stay in a ParamSource is judged by its specs; reading `params` would load it whole.
    const params = dxo.paramsLoaded ? dxo.params : undefined;
    const specs = params === undefined ? dxo.paramSource?.specs : specsOf(params);
    if (specs === undefined) return `${dxo.kind} DXO has no params`;
    const malformed = (this.#slots === undefined ? undefined : checkLayout(specs, this.#slots)) ?? (params === undefined ? undefined : checkTensors(params));
    if (malformed !== undefined) return malformed;
    const steps = dxo.meta[MetaKey.NUM_STEPS_CURRENT_ROUND] ?? 1;
    if (typeof steps !== 'number' || !Number.isFinite(steps) || steps < 0) {
      return `${MetaKey.NUM_STEPS_CURRENT_ROUND} must be a finite number >= 0, got ${JSON.stringify(steps)}`;
    }
    const weight = steps * (this.#weights.get(site) ?? 1);
    if (weight <= 0) return `weight is 0 (${MetaKey.NUM_STEPS_CURRENT_ROUND} ${steps} × site weight ${this.#weights.get(site) ?? 1})`;
    return { dxo, specs, kind: dxo.kind, weight };
  }

  #createSlots(specs: readonly TensorSpec[]): Slot[] {
    return specs.map(({ name, dtype, shape }) => ({
      name,
      dtype,
      shape: [...shape],
      sum: isAveragedDType(dtype) ? allocData(this.#sumDType, numelOf(shape)) : undefined,
    }));
  }
}
