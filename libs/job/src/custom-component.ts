import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { HearthError } from '@hearth/core';
import type { FLComponent } from '@hearth/core';
import type { TSchema } from 'typebox';
import type { ComponentDefinition, ComponentRefs } from './component-definition.js';
import { JobErrorCode } from './errors.js';

const EXPORT_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A custom component type split into its module specifier and export name. */
export interface CustomTypeName {
  readonly specifier: string;
  readonly exportName: string;
}

/** True when a config `type` names custom code (`module-specifier#ExportName`) rather than a registered type. */
export function isCustomType(type: string): boolean {
  return type.includes('#');
}

function invalid(type: string, message: string, cause?: unknown): HearthError {
  return new HearthError(JobErrorCode.CUSTOM_CODE_INVALID, `custom component type "${type}" ${message}`, {
    context: { type },
    cause,
  });
}

/** Splits `./custom/x.js#MyExecutor` at its last `#`; throws a coded error when either part is malformed. */
export function parseCustomType(type: string): CustomTypeName {
  const hash = type.lastIndexOf('#');
  const specifier = type.slice(0, hash);
  const exportName = type.slice(hash + 1);
  if (hash < 0 || specifier === '') throw invalid(type, 'needs a module specifier before "#"');
  if (!EXPORT_NAME.test(exportName)) throw invalid(type, 'needs an export name (a JavaScript identifier) after "#"');
  return { specifier, exportName };
}

function moduleToImport(type: string, specifier: string, jobDir: string): string {
  if (specifier.startsWith('./') || specifier.startsWith('../')) {
    const root = resolve(jobDir);
    const target = resolve(root, specifier);
    const inside = relative(root, target);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) throw invalid(type, 'must stay inside the job folder');
    return target;
  }
  if (specifier.startsWith('/') || /^[A-Za-z][A-Za-z0-9+.-]*:/.test(specifier)) {
    throw invalid(type, 'must name a module relative to the job folder (./custom/x.js) or a package');
  }
  return specifier;
}

function isClass(value: unknown): value is new (args: unknown, refs: ComponentRefs) => unknown {
  return typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value));
}

/**
 * Checks a custom type without running any of its code: the `module#Export` form, that a relative module
 * stays inside the job folder and exists there. For a server that validates submitted jobs, where executing
 * submitter code is not acceptable; the export itself is only checked when the job is built on a site.
 */
export async function checkCustomTypeWithoutLoading(options: { readonly type: string; readonly jobDir: string }): Promise<void> {
  const { type } = options;
  const { specifier } = parseCustomType(type);
  const target = moduleToImport(type, specifier, options.jobDir);
  if (target === specifier) return;
  const found = await stat(target).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!found) throw invalid(type, `cannot be loaded: ${specifier} does not exist in the job folder`);
}

/**
 * Loads custom code for a config type written `module-specifier#ExportName` and turns the exported class
 * into a {@link ComponentDefinition}: `create(args, refs)` runs `new ExportName(args, refs)`. Relative
 * specifiers are resolved from `jobDir` and must stay inside it; other specifiers are package names resolved
 * from the workspace. A static `argsSchema` (JSON Schema / TypeBox) and a static `references` list on the
 * class are honoured like those of a registered type.
 */
export async function loadCustomComponent(options: {
  readonly type: string;
  readonly jobDir: string;
}): Promise<ComponentDefinition<unknown>> {
  const { type } = options;
  const { specifier, exportName } = parseCustomType(type);
  const target = moduleToImport(type, specifier, options.jobDir);
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(target)) as Record<string, unknown>;
  } catch (thrown) {
    const reason = thrown instanceof Error ? (thrown.message.split('\n')[0] ?? '') : String(thrown);
    throw invalid(type, `cannot be loaded: ${reason}`, thrown);
  }
  if (!(exportName in namespace)) throw invalid(type, `cannot be used: ${specifier} has no export named ${exportName}`);
  const exported = namespace[exportName];
  if (!isClass(exported)) throw invalid(type, `cannot be used: export ${exportName} of ${specifier} is not a class`);
  const statics = exported as unknown as { argsSchema?: unknown; references?: unknown };
  const argsSchema = statics.argsSchema;
  if (argsSchema !== undefined && (typeof argsSchema !== 'object' || argsSchema === null)) {
    throw invalid(type, `cannot be used: static argsSchema of ${exportName} is not a schema object`);
  }
  const references = statics.references;
  if (references !== undefined && !(Array.isArray(references) && references.every((r) => typeof r === 'string'))) {
    throw invalid(type, `cannot be used: static references of ${exportName} is not a list of arg names`);
  }
  return {
    type,
    ...(argsSchema === undefined ? {} : { argsSchema: argsSchema as TSchema }),
    ...(references === undefined ? {} : { references: references as string[] }),
    create: (args, refs) => new exported(args, refs) as FLComponent,
  };
}
