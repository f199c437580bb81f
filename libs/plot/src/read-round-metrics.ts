import { readFile } from 'node:fs/promises';
import { HearthError, schemaProblem } from '@hearth/core';
import { Type } from 'typebox';
import type { Static } from 'typebox';
import { Value } from 'typebox/value';
import { PlotErrorCode } from './errors.js';
import { jsonErrorLocation, jsonErrorReason } from './internal/json-location.js';

/**
 * The part of `metrics.json` (written by `hearth simulate`) that plots read: one entry per finished round
 * with the mean of every metric the clients reported. Other fields are ignored.
 */
const MetricsReportSchema = Type.Object({
  rounds: Type.Array(
    Type.Object({
      round: Type.Integer({ minimum: 0 }),
      metrics: Type.Record(Type.String(), Type.Number()),
    }),
  ),
});

/** One round's global metrics, as `metrics.json` holds them; `round` counts from 0. */
export type RoundMetrics = Static<typeof MetricsReportSchema>['rounds'][number];

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/**
 * Reads the per-round metrics of a run from `file`. Throws HEARTH_ERR_PLOT_METRICS_NOT_FOUND when there is
 * no such file, and HEARTH_ERR_PLOT_METRICS_INVALID naming the line and column of a JSON syntax error or the
 * JSON path of a field that has the wrong shape.
 */
export async function readRoundMetrics(file: string): Promise<RoundMetrics[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (isMissing(err)) throw new HearthError(PlotErrorCode.METRICS_NOT_FOUND, `${file} not found: is this the workspace of a finished run?`, { context: { file } });
    throw new HearthError(PlotErrorCode.IO_FAILED, `${file}: cannot read it (${(err as Error).message})`, { context: { file }, cause: err });
  }
  let report: unknown;
  try {
    report = JSON.parse(text);
  } catch (err) {
    const at = jsonErrorLocation(text, err);
    const where = at === undefined ? file : `${file}:${at.line}:${at.column}`;
    throw new HearthError(PlotErrorCode.METRICS_INVALID, `${where}: not valid JSON: ${jsonErrorReason(err)}`, { context: { file, line: at?.line } });
  }
  if (!Value.Check(MetricsReportSchema, report)) {
    throw new HearthError(PlotErrorCode.METRICS_INVALID, `${file} ${schemaProblem(MetricsReportSchema, report) ?? '$: does not have the expected shape'}`, { context: { file } });
  }
  return report.rounds;
}
