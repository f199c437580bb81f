/** Where in a text `JSON.parse` gave up, 1-based. */
export interface JsonLocation {
  readonly line: number;
  readonly column: number;
}

/**
 * The line and column of a `JSON.parse` failure from V8's `at position N`: the end of the text for
 * `Unexpected end of JSON input`, undefined when V8 names no position (`Unexpected token`).
 */
export function jsonErrorLocation(text: string, error: unknown): JsonLocation | undefined {
  const message = error instanceof Error ? error.message : '';
  const match = /at position (\d+)/.exec(message);
  if (match === null && !message.includes('end of JSON input')) return undefined;
  const offset = Math.min(match === null ? text.length : Number(match[1]), text.length);
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** V8's reason without the position or the text excerpt it appends, which our messages replace. */
export function jsonErrorReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/ in JSON at position \d+.*$/s, '').replace(/, ".*" is not valid JSON$/s, '');
}
