import { createDataset } from './dataset.js';
import type { Dataset, Labels } from './dataset.js';
import { csvRecords } from './csv-records.js';
import { DataErrorCode, dataError } from './errors.js';
import { readMaybeGzipped } from './idx-file.js';

/** Options for {@link parseCsv} and {@link readCsvFile}. */
export interface CsvOptions {
  /** Header name of the label column. */
  readonly labelColumn: string;
  /** Header names of the feature columns, in the order they land in `x`. @default every column but the label */
  readonly featureColumns?: readonly string[];
  /** Field separator. @default ',' */
  readonly delimiter?: string;
  /** `int32` for class indices (values must be integers), `float32` for regression targets. @default 'int32' */
  readonly labelType?: 'int32' | 'float32';
  /** What the text came from, named in errors (readCsvFile sets the path). @default '<csv>' */
  readonly source?: string;
}

/** A dataset read from CSV, with the column names behind its features and label. */
export interface CsvDataset extends Dataset {
  readonly featureNames: readonly string[];
  readonly labelName: string;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses CSV text with a header row into a dataset of shape `[rows, features]`. Every feature value must
 * be a decimal number; errors name the source, line and column (`HEARTH_ERR_DATA_CSV_*`).
 */
export function parseCsv(text: string, options: CsvOptions): CsvDataset {
  const source = options.source ?? '<csv>';
  const labelType = options.labelType ?? 'int32';
  const records = csvRecords(text, { delimiter: options.delimiter ?? ',', source });
  const headerRecord = records.next();
  if (headerRecord.done === true) {
    throw dataError(DataErrorCode.CSV_SYNTAX, `${source}: no header row (the file is empty)`, { context: { source } });
  }
  const header = headerRecord.value.fields.map((name) => name.trim());
  const columnOf = indexHeader(header, { source, line: headerRecord.value.line });
  const lookup = (name: string): number => {
    const column = columnOf.get(name);
    if (column === undefined) {
      throw dataError(DataErrorCode.CSV_MISSING_COLUMN, `${source}: no column named ${JSON.stringify(name)} in the header`, {
        context: { source, column: name, header },
      });
    }
    return column;
  };
  const labelIndex = lookup(options.labelColumn);
  const featureNames = options.featureColumns ?? header.filter((_, i) => i !== labelIndex);
  const featureIndices = featureNames.map(lookup);
  const features = featureIndices.length;

  let x: Float32Array = new Float32Array(Math.max(1024, features * 64));
  const y: number[] = [];
  let rows = 0;
  for (const { fields, line } of records) {
    if (fields.length !== header.length) {
      throw dataError(
        DataErrorCode.CSV_SYNTAX,
        `${source}:${line}: expected ${header.length} fields as in the header, found ${fields.length}`,
        { context: { source, line, expected: header.length, found: fields.length } },
      );
    }
    if ((rows + 1) * features > x.length) x = grow(x, (rows + 1) * features);
    for (let f = 0; f < features; f++) {
      const column = featureIndices[f] as number;
      x[rows * features + f] = parseNumber(fields[column] as string, { source, line, column: header[column] as string });
    }
    y.push(parseLabel(fields[labelIndex] as string, { source, line, column: options.labelColumn, labelType }));
    rows++;
  }
  const labels: Labels = labelType === 'int32' ? Int32Array.from(y) : Float32Array.from(y);
  const dataset = createDataset({ x: x.slice(0, rows * features), y: labels, shape: [rows, features] });
  return { ...dataset, featureNames: [...featureNames], labelName: options.labelColumn };
}

/** Reads a CSV file (UTF-8, optionally gzipped) with {@link parseCsv}; errors name the path. */
export async function readCsvFile(path: string, options: CsvOptions): Promise<CsvDataset> {
  const bytes = await readMaybeGzipped(path);
  return parseCsv(new TextDecoder('utf-8').decode(bytes), { ...options, source: options.source ?? path });
}

interface CellPlace {
  readonly source: string;
  readonly line: number;
  readonly column: string;
}

function parseNumber(raw: string, place: CellPlace): number {
  const text = raw.trim();
  if (!NUMBER.test(text)) {
    throw dataError(
      DataErrorCode.CSV_NOT_NUMERIC,
      `${place.source}:${place.line}: column ${JSON.stringify(place.column)} holds ${JSON.stringify(raw)}, not a number`,
      { context: { ...place, value: raw } },
    );
  }
  return Number(text);
}

function parseLabel(raw: string, place: CellPlace & { readonly labelType: 'int32' | 'float32' }): number {
  const value = parseNumber(raw, place);
  if (place.labelType === 'int32' && (!Number.isInteger(value) || value < -0x8000_0000 || value > 0x7fff_ffff)) {
    throw dataError(
      DataErrorCode.CSV_NOT_NUMERIC,
      `${place.source}:${place.line}: label column ${JSON.stringify(place.column)} holds ${JSON.stringify(raw)}, not a 32-bit integer`,
      { context: { source: place.source, line: place.line, column: place.column, value: raw } },
    );
  }
  return value;
}

function indexHeader(header: readonly string[], place: { readonly source: string; readonly line: number }): Map<string, number> {
  const columns = new Map<string, number>();
  header.forEach((name, i) => {
    if (columns.has(name)) {
      throw dataError(DataErrorCode.CSV_SYNTAX, `${place.source}:${place.line}: header repeats the column ${JSON.stringify(name)}`, {
        context: { ...place, column: name },
      });
    }
    columns.set(name, i);
  });
  return columns;
}

function grow(x: Float32Array, needed: number): Float32Array {
  const next = new Float32Array(Math.max(needed, x.length * 2));
  next.set(x);
  return next;
}
