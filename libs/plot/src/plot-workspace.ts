import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { HearthError, writeFileAtomic } from '@hearth/core';
import type { Chart } from './chart.js';
import { PlotErrorCode } from './errors.js';
import { readMetricStreams } from './read-metric-streams.js';
import { readRoundMetrics } from './read-round-metrics.js';
import { renderSvg } from './render-svg.js';
import { roundMetricsChart } from './round-metrics-chart.js';
import { trainingCurveChart } from './training-curve-chart.js';

/** The formats {@link plotWorkspace} writes. SVG only: PNG needs a native canvas (node-canvas). */
export const PLOT_FORMATS = ['svg'] as const;

/** Options for {@link plotWorkspace}. */
export interface PlotWorkspaceOptions {
  /** The workspace of a run, as `hearth simulate` leaves it: `metrics.json` at its root. */
  readonly workspaceDir: string;
  /** Where the plots go; created when missing. @default `<workspaceDir>/plots` */
  readonly outDir?: string;
  /** Output format; see {@link PLOT_FORMATS}. @default 'svg' */
  readonly format?: string;
  /** Folder of the streamed `<site>.jsonl` files. @default `<workspaceDir>/server/metrics` */
  readonly streamsDir?: string;
}

/** One plot written by {@link plotWorkspace}. */
export interface PlotFile {
  /** Absolute path of the file. */
  readonly path: string;
  readonly title: string;
  /** The series it draws, one line each: metric names for the round chart, sites for a training curve. */
  readonly series: readonly string[];
}

/** File-name stem for a streamed key: letters, digits, `.`, `_` and `-` kept, anything else `_`. */
function stemFor(key: string, taken: Set<string>): string {
  const base = `stream-${key.replace(/[^A-Za-z0-9._-]/g, '_')}`;
  let stem = base;
  for (let n = 2; taken.has(stem); n++) stem = `${base}-${n}`;
  taken.add(stem);
  return stem;
}

async function writeAtomically(path: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(path, text);
  } catch (err) {
    throw new HearthError(PlotErrorCode.IO_FAILED, `${path}: cannot write the plot (${(err as Error).message})`, { context: { file: path }, cause: err });
  }
}

/**
 * Draws the learning curves of a finished run as SVG files in `outDir`: `round-metrics.svg`, the global
 * metrics per round from `metrics.json`, and one `stream-<key>.svg` per streamed key with a line per site.
 * Everything is read and checked before anything is written. Throws a HearthError with a
 * {@link PlotErrorCode}: no `metrics.json`, a corrupt file (naming file and line), an unsupported format, or
 * a file that cannot be written.
 */
export async function plotWorkspace(options: PlotWorkspaceOptions): Promise<PlotFile[]> {
  const format = options.format ?? 'svg';
  if (!(PLOT_FORMATS as readonly string[]).includes(format)) {
    throw new HearthError(
      PlotErrorCode.FORMAT_UNSUPPORTED,
      `plot format "${format}" is not supported; use svg (PNG would need a native canvas, which Hearth does not ship)`,
      { context: { format } },
    );
  }
  const workspaceDir = resolve(options.workspaceDir);
  const outDir = resolve(options.outDir ?? join(workspaceDir, 'plots'));
  const rounds = await readRoundMetrics(join(workspaceDir, 'metrics.json'));
  const streams = await readMetricStreams(resolve(options.streamsDir ?? join(workspaceDir, 'server', 'metrics')));

  const charts: Array<{ stem: string; chart: Chart }> = [];
  const roundChart = roundMetricsChart(rounds);
  if (roundChart !== undefined) charts.push({ stem: 'round-metrics', chart: roundChart });
  const taken = new Set<string>(['round-metrics']);
  for (const metric of streams) charts.push({ stem: stemFor(metric.key, taken), chart: trainingCurveChart(metric) });
  if (charts.length === 0) return [];

  try {
    await mkdir(outDir, { recursive: true });
  } catch (err) {
    throw new HearthError(PlotErrorCode.IO_FAILED, `${outDir}: cannot create the plot folder (${(err as Error).message})`, { context: { file: outDir }, cause: err });
  }
  const files: PlotFile[] = [];
  for (const { stem, chart } of charts) {
    const path = join(outDir, `${stem}.${format}`);
    await writeAtomically(path, await renderSvg(chart.spec));
    files.push({ path, title: chart.title, series: chart.series });
  }
  return files;
}
