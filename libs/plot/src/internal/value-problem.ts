import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';

/** `/rounds/0/metrics` as `$.rounds[0].metrics`. */
function jsonPath(pointer: string): string {
  let path = '$';
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path += /^\d+$/.test(key) ? `[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  }
  return path;
}

/** The first way `value` breaks `schema`, as `$.path: message`; call it only for a value that fails the check. */
export function valueProblem(schema: TSchema, value: unknown): string {
  const errors = [...Value.Errors(schema, value)];
  const first = errors[0];
  if (first === undefined) return '$: does not have the expected shape';
  const messages = errors.filter((e) => e.instancePath === first.instancePath && e.keyword !== 'anyOf').map((e) => e.message);
  return `${jsonPath(first.instancePath)}: ${[...new Set(messages)].join(' or ')}`;
}
