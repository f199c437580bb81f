import { DataKind, Dxo, MetaKey, Shareable, TENSOR_KINDS } from '@hearth/core';
import type { JsonObject, ParamMap } from '@hearth/core';
import { ScaffoldControlVariates, ServerOptimizer } from '@hearth/algorithms';
import { positiveArg } from './internal/check-args.js';
import { ScaffoldKey } from './scaffold-key.js';
import { ScatterAndGather } from './scatter-and-gather.js';
import type { NextModelInput, OpenedContribution, ScatterAndGatherArgs } from './scatter-and-gather.js';

/** Arguments of {@link ScatterAndGatherScaffold}: those of ScatterAndGather plus the server learning rate. */
export interface ScatterAndGatherScaffoldArgs extends ScatterAndGatherArgs {
  /**
   * Global (server) learning rate η_g in x ← x + η_g · mean(Δy_i). Ignored when `modelUpdaterId` names a
   * model updater, which then makes the step. @default 1
   */
  readonly globalLearningRate?: number;
}

/** Snapshot state key of the global control variate. */
const CONTROL_STATE = ScaffoldKey.CONTROL_GLOBAL;

/**
 * SCAFFOLD's server (Karimireddy et al. 2020): ScatterAndGather whose train task also carries the global
 * control variate c, and whose clients return their control-variate update Δc_i with their model update
 * (the wire format is {@link ScaffoldKey}; libs/workflow/README.md spells it out). At the end of a round:
 *
 * - x ← x + η_g · mean(Δy_i), with the mean from the configured aggregator (sample-weighted with
 *   WeightedAggregator, as NVFlare does) and η_g = `globalLearningRate`, or the model updater's step,
 * - c ← c + (|S| / N) · mean_{i∈S}(Δc_i), N the clients the round's task went to, S those whose
 *   contribution was accepted.
 *
 * Both sums stream (the aggregator's and the control variates' Float64 buffers), so memory is O(model)
 * whatever the number of clients. A result whose `scaffold_c_diff` does not match c, or that the aggregator
 * rejects, counts for neither. c starts at zero and is kept in the snapshot, so a resumed run continues exactly.
 */
export class ScatterAndGatherScaffold extends ScatterAndGather {
  /** η_g, the checked server learning rate. */
  readonly globalLearningRate: number;
  readonly #controls = new ScaffoldControlVariates();
  readonly #globalStep: ServerOptimizer;

  constructor(args: ScatterAndGatherScaffoldArgs = {}) {
    super(args);
    this.globalLearningRate = positiveArg(args.globalLearningRate ?? 1, { workflow: 'ScatterAndGatherScaffold', name: 'globalLearningRate' });
    this.#globalStep = new ServerOptimizer({ optimizer: 'sgd', learningRate: this.globalLearningRate });
    this.#globalStep.id = 'scaffold_global_step';
  }

  /** The global control variate c, once the first round started (or a snapshot restored it). */
  get controlVariate(): ParamMap | undefined {
    return this.#controls.initialized ? this.#controls.global : undefined;
  }

  /** Sends a COLLECTION of the model and c; starts c at zero in the first round. */
  protected override beginRound(input: { readonly model: Dxo; readonly round: number; readonly meta: JsonObject }): Dxo {
    if (!this.#controls.initialized) this.#controls.initialize(input.model.requireParams());
    this.#controls.beginRound();
    const items = new Map([
      [ScaffoldKey.MODEL, input.model.withMeta(input.meta)],
      [ScaffoldKey.CONTROL_GLOBAL, new Dxo({ kind: DataKind.WEIGHTS, params: this.#controls.global })],
    ]);
    return new Dxo({ kind: DataKind.COLLECTION, items, meta: input.meta });
  }

  /**
   * Splits a result into its `model` item, for the aggregator (with the collection's meta under the item's
   * own, so NUM_STEPS_CURRENT_ROUND and metrics may sit on either), and its `scaffold_c_diff`, folded into c's
   * running sum once the aggregator accepted the model.
   */
  protected override openContribution(result: Shareable): OpenedContribution | string {
    const dxo = result.dxo;
    if (dxo?.kind !== DataKind.COLLECTION) {
      return `expected a COLLECTION with items ${ScaffoldKey.MODEL} and ${ScaffoldKey.CONTROL_DIFF}, got ${dxo === undefined ? 'no DXO' : dxo.kind}`;
    }
    const model = dxo.items?.get(ScaffoldKey.MODEL);
    const diff = dxo.items?.get(ScaffoldKey.CONTROL_DIFF);
    if (model === undefined) return `the result has no ${ScaffoldKey.MODEL} item`;
    if (diff === undefined || !TENSOR_KINDS.has(diff.kind)) return `the result has no tensor item ${ScaffoldKey.CONTROL_DIFF}`;
    const controlDiff = diff.requireParams();
    const problem = this.#controls.check(controlDiff);
    if (problem !== undefined) return problem;
    const merged = new Dxo({ kind: model.kind, params: model.params, values: model.values, items: model.items, meta: { ...dxo.meta, ...model.meta } });
    return {
      forAggregator: new Shareable({ headers: result.headers, dxo: merged }),
      commit: () => this.#controls.add(controlDiff, merged.metaNumber(MetaKey.NUM_STEPS_CURRENT_ROUND, 1)),
    };
  }

  /** Steps the model by η_g (or through the model updater), then updates c over the N clients asked. */
  protected override nextModel(input: NextModelInput): ParamMap {
    const next =
      this.modelUpdater === undefined
        ? this.#globalStep.updateModel({ global: input.global, aggregate: input.aggregate, round: input.round }, input.ctx)
        : super.nextModel(input);
    this.#controls.finishRound(input.sentTo);
    return next;
  }

  /** The model updater's state and c. */
  protected override saveState(): Record<string, ParamMap> {
    const state = super.saveState();
    if (this.#controls.initialized) state[CONTROL_STATE] = this.#controls.global;
    return state;
  }

  /** Restores the model updater's state and c. */
  protected override loadState(state: Readonly<Record<string, ParamMap>>): void {
    super.loadState(state);
    const c = state[CONTROL_STATE];
    if (c !== undefined) this.#controls.load(c);
  }
}
