import { MetricsWriter } from '@hearth/engine';
import type { ServerApp } from '@hearth/engine';

/**
 * `app` with a {@link MetricsWriter} last among its components (writing what clients stream to
 * `metrics/<site>.jsonl` in the job's workspace), unless the job configured one itself; the same rule
 * the simulator applies, so both leave the same files behind.
 */
export function withMetricsWriter(app: ServerApp): ServerApp {
  if ([...app.components.values()].some((component) => component instanceof MetricsWriter)) return app;
  const writer = new MetricsWriter({ dir: 'metrics' });
  writer.id = '__hearth_metrics_writer__';
  return { ...app, components: new Map([...app.components, [writer.id, writer]]) };
}
