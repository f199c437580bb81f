import { CHART_SIZE } from './chart.js';
import type { Chart } from './chart.js';
import type { StreamedMetric } from './read-metric-streams.js';

/** The training curve of one streamed key: one line per site, over the step the clients streamed. */
export function trainingCurveChart(metric: StreamedMetric): Chart {
  const title = `${metric.key} per site`;
  return {
    title,
    series: [...new Set(metric.points.map((p) => p.site))].sort(),
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      title,
      ...CHART_SIZE,
      data: { values: metric.points.map(({ site, step, value }) => ({ site, step, value })) },
      mark: { type: 'line' },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: 'step' },
        y: { field: 'value', type: 'quantitative', title: metric.key },
        color: { field: 'site', type: 'nominal', title: 'site' },
      },
    },
  };
}
