import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { childPath, pointerToPath } from './json-path.js';
import type { JobProblem } from './job-problem.js';

/** Where a schema check runs: which file, and the JSONPath of the checked value inside it. */
export interface SchemaCheckOptions {
  /** The schema (TypeBox, or any JSON Schema TypeBox understands). */
  readonly schema: TSchema;
  /** The value to check. */
  readonly value: unknown;
  /** File the value came from, relative to the job folder. */
  readonly file: string;
  /** JSONPath of `value` inside the file. @default '$' */
  readonly path?: string;
}

interface RawError {
  readonly keyword: string;
  readonly schemaPath: string;
  readonly instancePath: string;
  readonly params: Record<string, unknown>;
  readonly message: string;
}

function schemaAt(root: unknown, schemaPath: string): Record<string, unknown> | undefined {
  let node: unknown = root;
  for (const raw of schemaPath.replace(/^#\/?/, '').split('/')) {
    if (raw === '') continue;
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  }
  return typeof node === 'object' && node !== null ? (node as Record<string, unknown>) : undefined;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function anyOfMessage(schema: Record<string, unknown> | undefined): string {
  const members = Array.isArray(schema?.['anyOf']) ? (schema['anyOf'] as unknown[]) : [];
  const constants = members.map((m) => (typeof m === 'object' && m !== null ? (m as Record<string, unknown>)['const'] : undefined));
  if (constants.length > 0 && constants.every((c) => c !== undefined)) {
    return `must be one of ${constants.map((c) => JSON.stringify(c)).join(', ')}`;
  }
  return 'does not match any of the allowed forms';
}

function describe(error: RawError, root: TSchema): string {
  switch (error.keyword) {
    case 'const':
      return `must be ${JSON.stringify(error.params['allowedValue'])}`;
    case 'enum':
      return `must be one of ${stringList(error.params['allowedValues']).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'anyOf':
      return anyOfMessage(schemaAt(root, error.schemaPath));
    case 'uniqueItems':
      return 'must not contain the same item twice';
    case 'boolean':
      return 'is not allowed here';
    default:
      return error.message;
  }
}

/**
 * Checks `value` against `schema` and turns every failure into a {@link JobProblem} with a JSONPath and a
 * plain message: a missing property is reported at the property's own path, an unknown one too (with the
 * allowed names), and a union of constants lists the allowed values.
 */
export function schemaProblems(options: SchemaCheckOptions): JobProblem[] {
  const { schema, value, file } = options;
  const base = options.path ?? '$';
  const problems: JobProblem[] = [];
  const seen = new Set<string>();
  const add = (path: string, message: string): void => {
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    problems.push({ file, path, message });
  };
  let errors: RawError[];
  try {
    errors = Value.Errors(schema, value) as unknown as RawError[];
  } catch (thrown) {
    add(base, `cannot be checked: the schema is not usable (${(thrown as Error).message})`);
    return problems;
  }
  for (const error of errors) {
    if (error.keyword === 'boolean' && error.schemaPath.endsWith('/additionalProperties')) continue;
    if (error.schemaPath.includes('/anyOf/')) continue;
    const path = pointerToPath({ pointer: error.instancePath, root: value, base });
    if (error.keyword === 'required') {
      for (const name of stringList(error.params['requiredProperties'])) add(childPath(path, name), 'is required but missing');
    } else if (error.keyword === 'additionalProperties') {
      const properties = schemaAt(schema, error.schemaPath)?.['properties'];
      const allowed = typeof properties === 'object' && properties !== null ? Object.keys(properties) : [];
      const hint = allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : '';
      for (const name of stringList(error.params['additionalProperties'])) add(childPath(path, name), `is not a known property${hint}`);
    } else {
      add(path, describe(error, schema));
    }
  }
  return problems;
}
