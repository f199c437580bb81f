// The numbers the benchmark reports for one run (one seed) and for a configuration over its seeds.
import { TAIL_ROUNDS } from './settings.mjs';

const mean = (values) => values.reduce((a, v) => a + v, 0) / values.length;

/** Mean and sample standard deviation (n − 1; 0 for one value) of `values`, with the values themselves. */
export function spread(values) {
  const m = mean(values);
  const sd = values.length < 2 ? 0 : Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1));
  return { mean: m, sd, values };
}

/**
 * What one run's curve (round 0 = the initial model) says: final accuracy, best round, the mean of the last
 * TAIL_ROUNDS rounds (the robust metric) and the mean over rounds 1..R (how fast it converges).
 */
export function runMetrics(curve) {
  const trained = curve.slice(1);
  const best = trained.reduce((a, p) => (p.accuracy > a.accuracy ? p : a));
  return {
    finalAccuracy: curve.at(-1).accuracy,
    bestAccuracy: best.accuracy,
    bestRound: best.round,
    tailMean: mean(curve.slice(-TAIL_ROUNDS).map((p) => p.accuracy)),
    roundsMean: mean(trained.map((p) => p.accuracy)),
  };
}

/** The per-seed runs ({ seed, seconds, curve } and {@link runMetrics}) of one configuration, summed up over the seeds. */
export function summarizeSeeds(seeds) {
  const of = (key) => spread(seeds.map((s) => s[key]));
  const meanCurve = seeds[0].curve.map((p, i) => ({ round: p.round, accuracy: mean(seeds.map((s) => s.curve[i].accuracy)) }));
  return { final: of('finalAccuracy'), tail: of('tailMean'), best: of('bestAccuracy'), roundsMean: of('roundsMean'), seconds: mean(seeds.map((s) => s.seconds)), meanCurve };
}

/** Per-seed differences `a − b` of a metric key ('final', 'tail', ...) of two configurations run on the same seeds. */
export function pairedDifference(a, b, key) {
  return spread(a[key].values.map((v, i) => v - b[key].values[i]));
}
