import { childPath } from './json-path.js';

/** One component id that an entry's args refer to, with the JSONPath of the arg that holds it. */
export interface ComponentReference {
  readonly id: string;
  readonly path: string;
}

function isReferenceArg(name: string, declared: ReadonlySet<string>): boolean {
  return declared.has(name) || name.endsWith('_id') || name.endsWith('_ids');
}

/**
 * The component ids that `args` refer to: args declared as references by the type, plus, by NVFlare's
 * convention, every arg whose name ends in `_id` (a string) or `_ids` (a list of strings). Values of other
 * shapes are left to the type's schema.
 */
export function componentReferences(options: {
  readonly args: Readonly<Record<string, unknown>>;
  readonly declared: readonly string[] | undefined;
  readonly argsPath: string;
}): ComponentReference[] {
  const declared = new Set(options.declared ?? []);
  const refs: ComponentReference[] = [];
  for (const [name, value] of Object.entries(options.args)) {
    if (!isReferenceArg(name, declared)) continue;
    const path = childPath(options.argsPath, name);
    if (typeof value === 'string') {
      refs.push({ id: value, path });
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => {
        if (typeof item === 'string') refs.push({ id: item, path: childPath(path, index) });
      });
    }
  }
  return refs;
}
