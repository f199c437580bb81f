import { CHART_SIZE } from './chart.js';
import type { Chart } from './chart.js';
import type { RoundMetrics } from './read-round-metrics.js';

/**
 * The learning curve of the global model: one line per metric in `metrics.json` (the clients' mean for the
 * round), over rounds counted from 1 as `hearth simulate` prints them. Undefined when no round has a metric.
 */
export function roundMetricsChart(rounds: readonly RoundMetrics[]): Chart | undefined {
  const values: Array<{ round: number; metric: string; value: number }> = [];
  for (const { round, metrics } of rounds) {
    for (const [metric, value] of Object.entries(metrics)) values.push({ round: round + 1, metric, value });
  }
  if (values.length === 0) return undefined;
  const title = 'Global metrics per round';
  return {
    title,
    series: [...new Set(values.map((v) => v.metric))].sort(),
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      title,
      ...CHART_SIZE,
      data: { values },
      mark: { type: 'line' },
      encoding: {
        x: { field: 'round', type: 'quantitative', title: 'round', axis: { tickMinStep: 1, format: 'd' } },
        y: { field: 'value', type: 'quantitative', title: 'value' },
        color: { field: 'metric', type: 'nominal', title: 'metric' },
      },
    },
  };
}
