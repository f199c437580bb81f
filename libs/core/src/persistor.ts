import type { Dxo } from './dxo.js';
import type { FLContext } from './fl-context.js';
import { FLComponent } from './fl-component.js';

/** Loads the initial global model and saves the global model as training goes. */
export abstract class ModelPersistor extends FLComponent {
  /** The initial model (a WEIGHTS DXO). */
  abstract load(ctx: FLContext): Promise<Dxo>;
  /** Saves the model under `tag` (for example `last`, `best`, or a round number). */
  abstract save(model: Dxo, tag: string, ctx: FLContext): Promise<void>;
}
