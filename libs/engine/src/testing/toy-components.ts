import { Aggregator, DataKind, Dxo, Executor, Filter, MetaKey, ModelPersistor, Shareable, f64 } from '@hearth/core';
import type { JsonValue } from '@hearth/core';

/** Weighted streaming mean of WEIGHTS results for a model with one tensor `w`. */
export class MeanAggregator extends Aggregator {
  #sum: Float64Array | undefined;
  #weight = 0;

  accept(result: Shareable): boolean {
    const w = result.dxo?.params?.get('w');
    if (result.dxo?.kind !== DataKind.WEIGHTS || w === undefined) return false;
    const weight = result.dxo.metaNumber(MetaKey.NUM_STEPS_CURRENT_ROUND, 1);
    this.#sum ??= new Float64Array(w.data.length);
    for (let i = 0; i < w.data.length; i++) this.#sum[i]! += (w.data[i] as number) * weight;
    this.#weight += weight;
    return true;
  }

  aggregate(): Shareable {
    const mean = (this.#sum ?? new Float64Array(0)).map((v) => v / this.#weight);
    return Shareable.fromDxo(new Dxo({ kind: DataKind.WEIGHTS, params: new Map([['w', f64([mean.length], mean)]]) }));
  }

  reset(): void {
    this.#sum = undefined;
    this.#weight = 0;
  }
}

/** Serves a constant initial model and records saves. */
export class MemoryPersistor extends ModelPersistor {
  readonly saves: Array<{ tag: string; w: number }> = [];

  constructor(readonly initial = 0) {
    super();
  }

  load(): Promise<Dxo> {
    return Promise.resolve(weights(this.initial));
  }

  save(model: Dxo, tag: string): Promise<void> {
    this.saves.push({ tag, w: model.requireParams().get('w')!.data[0] as number });
    return Promise.resolve();
  }
}

/** A WEIGHTS DXO with tensor `w` = [value]. */
export function weights(value: number, meta: Record<string, JsonValue> = {}): Dxo {
  return new Dxo({ kind: DataKind.WEIGHTS, params: new Map([['w', f64([1], [value])]]), meta });
}

/** The first element of tensor `w`. */
export function firstWeight(shareable: Shareable): number {
  return shareable.dxo!.requireParams().get('w')!.data[0] as number;
}

/** One local step of w towards `target`; reports the squared distance as a metric. */
export class TowardsTarget extends Executor {
  constructor(
    readonly target: number,
    readonly steps = 1,
  ) {
    super();
  }

  execute(_taskName: string, data: Shareable): Promise<Shareable> {
    const w = firstWeight(data);
    const next = w + 0.5 * (this.target - w);
    return Promise.resolve(
      Shareable.fromDxo(weights(next, { [MetaKey.NUM_STEPS_CURRENT_ROUND]: this.steps, metrics: { loss: (w - this.target) ** 2 } })),
    );
  }
}

/** Appends its name to the `trail` header, so tests see which filters ran in which order. */
export class TrailFilter extends Filter {
  constructor(readonly label: string) {
    super();
  }

  process(data: Shareable): Shareable {
    const trail = data.headers['trail'];
    data.headers['trail'] = [...(Array.isArray(trail) ? (trail as string[]) : []), this.label];
    return data;
  }
}

/** A promise with its resolve function exposed. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Waits until queued promise callbacks and I/O callbacks have run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
