import type { TopLevelSpec } from 'vega-lite';

/** A chart to render: its vega-lite spec, title and the names of its series (one line each). */
export interface Chart {
  readonly title: string;
  readonly series: readonly string[];
  readonly spec: TopLevelSpec;
}

/** Width and height of every chart's plotting area, in pixels. */
export const CHART_SIZE = { width: 560, height: 320 } as const;
