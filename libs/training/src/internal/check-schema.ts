import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { TrainingErrorCode, trainingError } from '../errors.js';

interface SchemaError {
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly message: string;
}

function describe(errors: readonly SchemaError[]): string {
  const direct = errors.filter((e) => !e.schemaPath.includes('/anyOf/'));
  const chosen = (direct.length > 0 ? direct : errors).slice(0, 3);
  return chosen.map((e) => `${e.instancePath === '' ? '(root)' : e.instancePath} ${e.message}`).join('; ');
}

/**
 * Fills the schema's defaults into a copy of `value` and checks it, throwing
 * `HEARTH_ERR_TRAINING_INVALID_ARGS` that names `what` and the failing JSON pointers. Job configs are
 * checked by the job loader first, with file and JSONPath; this catches args given in code.
 */
export function checkSchema<S extends TSchema>(options: { readonly schema: S; readonly value: unknown; readonly what: string }): Static<S> {
  const { schema, what } = options;
  const value = Value.Default(schema, Value.Clone(options.value));
  if (Value.Check(schema, value)) return value as Static<S>;
  const errors = [...Value.Errors(schema, value)] as unknown as SchemaError[];
  throw trainingError(TrainingErrorCode.INVALID_ARGS, `invalid ${what}: ${describe(errors)}`, { context: { what } });
}
