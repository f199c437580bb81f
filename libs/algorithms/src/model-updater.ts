import { FLComponent } from '@hearth/core';
import type { Dxo, FLContext, ParamMap } from '@hearth/core';

/** What a {@link ModelUpdater} gets once per round. */
export interface ModelUpdateInput {
  /** The global model the round started from. Implementations must not modify its tensors. */
  readonly global: ParamMap;
  /** The round's aggregate: WEIGHTS (the mean of the clients' models) or WEIGHT_DIFF (their mean update). */
  readonly aggregate: Dxo;
  /** The round that produced the aggregate. */
  readonly round: number;
}

/**
 * Turns the global model and a round's aggregate into the next global model: the seam where server-side
 * optimization (FedOpt: FedAvgM, FedAdam, FedYogi, FedAdagrad) plugs into ScatterAndGather. Without one the
 * workflow replaces the model by a WEIGHTS aggregate or adds a WEIGHT_DIFF aggregate.
 *
 * An updater may keep state across rounds (momentum, second moments). The workflow stores that state in its
 * snapshot through {@link ModelUpdater.saveState} and hands it back on resume, so a resumed run continues
 * bit for bit where it stopped.
 */
export abstract class ModelUpdater extends FLComponent {
  /** The next global model as a new map; tensors it does not change may be shared with `input.global`. */
  abstract updateModel(input: ModelUpdateInput, ctx: FLContext): ParamMap;

  /** A deep copy of the state a resumed run needs, as named tensors; empty when the updater keeps none. */
  abstract saveState(): ParamMap;

  /** Replaces the state with one {@link ModelUpdater.saveState} produced; throws a coded error when it does not fit. */
  abstract loadState(state: ParamMap): void;
}
