import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `/points/0/key` as `$.points[0].key`; keys that are not identifiers print as `["site-1"]`. */
function jsonPath(pointer: string): string {
  let path = '$';
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path += /^\d+$/.test(key) ? `[${key}]` : IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  }
  return path;
}

/**
 * The first way `value` fails `schema`, as `$.path: message`, or undefined when it conforms. Used at every
 * boundary where JSON comes in (wire messages, metrics files), so a person reads where and what. The members
 * of a union are reported together (`must be integer or must be null`), an unknown property as not allowed.
 */
export function schemaProblem(schema: TSchema, value: unknown): string | undefined {
  if (Value.Check(schema, value)) return undefined;
  const errors = [...Value.Errors(schema, value)];
  const first = errors[0];
  if (first === undefined) return '$: does not match the schema';
  if (first.keyword === 'boolean') return `${jsonPath(first.instancePath)}: is not allowed`;
  const messages = errors.filter((e) => e.instancePath === first.instancePath && e.keyword !== 'anyOf').map((e) => e.message);
  return `${jsonPath(first.instancePath)}: ${[...new Set(messages)].join(' or ')}`;
}
