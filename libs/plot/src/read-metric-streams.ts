import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { HearthError, isHearthError } from '@hearth/core';
import { metricsLineProblem } from '@hearth/engine';
import type { MetricsLine } from '@hearth/engine';
import { PlotErrorCode } from './errors.js';
import { jsonErrorLocation, jsonErrorReason } from './internal/json-location.js';

/** One streamed point of a {@link StreamedMetric}. */
export interface StreamedPoint {
  readonly site: string;
  readonly step: number;
  readonly value: number;
}

/** Every point streamed under one key, from every site, in file order. */
export interface StreamedMetric {
  readonly key: string;
  readonly points: readonly StreamedPoint[];
}

async function listStreams(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => name.endsWith('.jsonl')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new HearthError(PlotErrorCode.IO_FAILED, `${dir}: cannot list the metric streams (${(err as Error).message})`, { context: { file: dir }, cause: err });
  }
}

function parseLine(input: { readonly file: string; readonly line: number; readonly text: string }): MetricsLine {
  const { file, line, text } = input;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const column = jsonErrorLocation(text, err)?.column;
    const where = column === undefined ? `${file}:${line}` : `${file}:${line}:${column}`;
    throw new HearthError(PlotErrorCode.STREAM_INVALID, `${where}: not valid JSON: ${jsonErrorReason(err)}`, { context: { file, line } });
  }
  const problem = metricsLineProblem(value);
  if (problem !== undefined) throw new HearthError(PlotErrorCode.STREAM_INVALID, `${file}:${line}: not a metrics line: ${problem}`, { context: { file, line } });
  return value as MetricsLine;
}

async function readStream(file: string, into: Map<string, StreamedPoint[]>): Promise<void> {
  const input = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line += 1;
      if (text.trim() === '') continue;
      const { key, site, step, value } = parseLine({ file, line, text });
      let points = into.get(key);
      if (points === undefined) into.set(key, (points = []));
      points.push({ site, step, value });
    }
  } catch (err) {
    if (isHearthError(err)) throw err;
    throw new HearthError(PlotErrorCode.IO_FAILED, `${file}: cannot read it (${(err as Error).message})`, { context: { file }, cause: err });
  } finally {
    lines.close();
    input.destroy();
  }
}

/**
 * Reads every `<site>.jsonl` stream in `dir` (as the server's MetricsWriter writes them) and groups the
 * points by key, keys sorted. A missing folder means nothing was streamed. Throws
 * HEARTH_ERR_PLOT_STREAM_INVALID naming the file and line of the first line that is not a metrics line.
 */
export async function readMetricStreams(dir: string): Promise<StreamedMetric[]> {
  const byKey = new Map<string, StreamedPoint[]>();
  for (const name of await listStreams(dir)) await readStream(join(dir, name), byKey);
  return [...byKey.keys()].sort().map((key) => ({ key, points: byKey.get(key) ?? [] }));
}
