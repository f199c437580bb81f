import { MetaKey } from '@hearth/core';
import type { Shareable } from '@hearth/core';
import type { RoundSummary } from '../round-summary.js';

interface Sum {
  weighted: number;
  weight: number;
}

/**
 * Accumulates the metrics clients report in `dxo.meta.metrics`, weighted by NUM_STEPS_CURRENT_ROUND
 * (1 when absent), in O(metrics) memory whatever the number of clients.
 */
export class RoundMetrics {
  readonly #clients: string[] = [];
  readonly #sums = new Map<string, Sum>();

  /** Counts `client` as a participant and folds in the metrics of its result. */
  add(client: string, result: Shareable): void {
    this.#clients.push(client);
    const dxo = result.dxo;
    if (dxo === undefined) return;
    const metrics = dxo.meta['metrics'];
    if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) return;
    const steps = dxo.metaNumber(MetaKey.NUM_STEPS_CURRENT_ROUND, 1);
    const weight = steps > 0 ? steps : 0;
    for (const [name, value] of Object.entries(metrics as Readonly<Record<string, unknown>>)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      const sum = this.#sums.get(name) ?? { weighted: 0, weight: 0 };
      sum.weighted += value * weight;
      sum.weight += weight;
      this.#sums.set(name, sum);
    }
  }

  /** The summary of everything added, for `round`. Metrics no client weighted above 0 are left out. */
  summary(round: number): RoundSummary {
    const metrics: Record<string, number> = {};
    for (const [name, sum] of this.#sums) {
      if (sum.weight > 0) metrics[name] = sum.weighted / sum.weight;
    }
    return { round, clients: [...this.#clients], metrics };
  }
}
