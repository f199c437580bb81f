import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findJsonSyntaxError } from './json-syntax.js';
import type { JobProblem } from './job-problem.js';

/** What reading one JSON file of a job gave: its value, the fact that it is missing, or a problem. */
export type JsonFileResult =
  | { readonly status: 'ok'; readonly value: unknown }
  | { readonly status: 'missing' }
  | { readonly status: 'invalid'; readonly problem: JobProblem };

function errorCode(thrown: unknown): string | undefined {
  const code = (thrown as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Reads and parses `file` (relative to the job folder `dir`). Invalid JSON becomes a problem with the line
 * and column of the first syntax error; a leading byte order mark is ignored.
 */
export async function readJsonFile(options: { readonly dir: string; readonly file: string }): Promise<JsonFileResult> {
  const { file } = options;
  let text: string;
  try {
    text = await readFile(join(options.dir, file), 'utf8');
  } catch (thrown) {
    const code = errorCode(thrown);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { status: 'missing' };
    const reason = code === 'EISDIR' ? 'is a folder, expected a JSON file' : `cannot be read (${code ?? String(thrown)})`;
    return { status: 'invalid', problem: { file, path: '$', message: reason } };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return { status: 'ok', value: JSON.parse(text) as unknown };
  } catch (thrown) {
    const located = findJsonSyntaxError(text);
    if (located === undefined) {
      return { status: 'invalid', problem: { file, path: '$', message: `invalid JSON: ${(thrown as Error).message}` } };
    }
    return {
      status: 'invalid',
      problem: {
        file,
        path: '$',
        message: `invalid JSON at line ${located.line}, column ${located.column}: ${located.message}`,
        line: located.line,
        column: located.column,
      },
    };
  }
}
