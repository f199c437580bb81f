import { Aggregator, DataKind, Dxo, MetaKey, ModelPersistor, Shareable, f64 } from '@hearth/core';

/** Weighted streaming mean of WEIGHTS results for a one-tensor model named `w` (weights: NUM_STEPS_CURRENT_ROUND). */
export class MeanAggregator extends Aggregator {
  #sum: Float64Array | undefined;
  #weight = 0;

  accept(result: Shareable): boolean {
    const dxo = result.dxo;
    if (dxo?.kind !== DataKind.WEIGHTS) return false;
    const w = dxo.requireParams().get('w');
    if (w === undefined) return false;
    const weight = dxo.metaNumber(MetaKey.NUM_STEPS_CURRENT_ROUND, 1);
    this.#sum ??= new Float64Array(w.data.length);
    for (let i = 0; i < w.data.length; i++) this.#sum[i]! += (w.data[i] as number) * weight;
    this.#weight += weight;
    return true;
  }

  aggregate(): Shareable {
    const sum = this.#sum ?? new Float64Array(0);
    const mean = sum.map((v) => v / this.#weight);
    return Shareable.fromDxo(new Dxo({ kind: DataKind.WEIGHTS, params: new Map([['w', f64([mean.length], mean)]]) }));
  }

  reset(): void {
    this.#sum = undefined;
    this.#weight = 0;
  }
}

/** Keeps the initial model in memory and records every save (tag and first weight). */
export class MemoryPersistor extends ModelPersistor {
  readonly saves: Array<{ tag: string; w: number }> = [];
  readonly #initial: number[];

  constructor(initial: number[] = [0]) {
    super();
    this.#initial = initial;
  }

  load(): Promise<Dxo> {
    return Promise.resolve(new Dxo({ kind: DataKind.WEIGHTS, params: new Map([['w', f64([this.#initial.length], this.#initial)]]) }));
  }

  save(model: Dxo, tag: string): Promise<void> {
    this.saves.push({ tag, w: model.requireParams().get('w')!.data[0] as number });
    return Promise.resolve();
  }
}

/** The first element of tensor `w` of a Shareable's DXO. */
export function firstWeight(shareable: Shareable): number {
  return shareable.dxo!.requireParams().get('w')!.data[0] as number;
}
