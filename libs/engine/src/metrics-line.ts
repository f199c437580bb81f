import { schemaProblem } from '@hearth/core';
import { Type } from 'typebox';
import type { Static } from 'typebox';

/**
 * One line of a metrics stream file (`<server workspace>/metrics/<site>.jsonl`), as {@link MetricsWriter}
 * writes it and `hearth plot` reads it. Readers ignore fields they do not know, so later versions may add some.
 */
export const MetricsLineSchema = Type.Object({
  site: Type.String({ minLength: 1 }),
  /** The task's round, or null outside rounds. */
  round: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  step: Type.Integer({ minimum: 0 }),
  key: Type.String({ minLength: 1 }),
  value: Type.Number(),
  /** When the client took the point, in milliseconds since the Unix epoch. */
  time: Type.Number({ minimum: 0 }),
});

/** See {@link MetricsLineSchema}. */
export type MetricsLine = Static<typeof MetricsLineSchema>;

/** How a parsed line breaks {@link MetricsLineSchema}, as `$.path: message`, or undefined when it is a valid line. */
export function metricsLineProblem(value: unknown): string | undefined {
  return schemaProblem(MetricsLineSchema, value);
}

/** The file name of a site's stream: the site name, percent-encoded so it is always one safe path segment. */
export function metricsFileName(site: string): string {
  return `${encodeURIComponent(site)}.jsonl`;
}
