import { DataErrorCode, dataError } from './errors.js';

/** One CSV record: its fields (quotes removed, `""` unescaped) and the line it starts on (1-based). */
export interface CsvRecord {
  readonly fields: string[];
  readonly line: number;
}

/** Options for {@link csvRecords}. */
export interface CsvRecordsOptions {
  /** Field separator, one character. @default ',' */
  readonly delimiter?: string;
  /** What the text came from, named in errors. @default '<csv>' */
  readonly source?: string;
}

/**
 * Splits CSV text into records (RFC 4180): quoted fields may hold delimiters, newlines and doubled quotes;
 * line endings may be LF, CRLF or CR; blank lines are skipped. A quote inside an unquoted field, text
 * after a closing quote or a quote left open is a `HEARTH_ERR_DATA_CSV_SYNTAX` error naming the line.
 */
export function* csvRecords(text: string, options: CsvRecordsOptions = {}): Generator<CsvRecord> {
  const delimiter = options.delimiter ?? ',';
  const source = options.source ?? '<csv>';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw dataError(DataErrorCode.INVALID_ARGUMENT, `CSV delimiter must be one character other than a quote or newline`, {
      context: { delimiter },
    });
  }
  const syntaxError = (line: number, problem: string): Error =>
    dataError(DataErrorCode.CSV_SYNTAX, `${source}:${line}: ${problem}`, { context: { source, line } });

  let line = 1;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const end = text.length;
  while (pos < end) {
    const recordLine = line;
    const fields: string[] = [];
    let quoted = false;
    let recordDone = false;
    while (!recordDone) {
      let field: string;
      if (text[pos] === '"') {
        quoted = true;
        const openedAt = line;
        let value = '';
        let from = pos + 1;
        for (;;) {
          const quote = text.indexOf('"', from);
          if (quote === -1) throw syntaxError(openedAt, 'quoted field is never closed');
          value += text.slice(from, quote);
          line += countNewlines(text, from, quote);
          if (text[quote + 1] === '"') {
            value += '"';
            from = quote + 2;
            continue;
          }
          pos = quote + 1;
          break;
        }
        const next = text[pos];
        if (pos < end && next !== delimiter && next !== '\n' && next !== '\r') {
          throw syntaxError(line, `unexpected ${JSON.stringify(next)} after a closing quote`);
        }
        field = value;
      } else {
        const start = pos;
        while (pos < end) {
          const c = text[pos];
          if (c === delimiter || c === '\n' || c === '\r') break;
          if (c === '"') throw syntaxError(line, 'quote inside an unquoted field (quote the whole field and double the quote)');
          pos++;
        }
        field = text.slice(start, pos);
      }
      fields.push(field);
      if (pos >= end) {
        recordDone = true;
      } else if (text[pos] === delimiter) {
        pos++;
        if (pos >= end) fields.push('');
        recordDone = pos >= end;
      } else {
        pos += text[pos] === '\r' && text[pos + 1] === '\n' ? 2 : 1;
        line++;
        recordDone = true;
      }
    }
    if (!quoted && fields.length === 1 && fields[0] === '') continue;
    yield { fields, line: recordLine };
  }
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) n++;
  }
  return n;
}
