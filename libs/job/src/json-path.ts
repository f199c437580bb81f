const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The JSONPath of `key` under `path`: `.name` for identifiers, `[3]` for indexes, `["site-1"]` otherwise. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Turns a JSON Pointer (`/workflows/0/args`) into a JSONPath under `base`, walking `root` so that array
 * indexes print as `[0]` and object keys that look like numbers still print as keys.
 */
export function pointerToPath(options: { readonly pointer: string; readonly root: unknown; readonly base: string }): string {
  if (options.pointer === '') return options.base;
  let path = options.base;
  let node: unknown = options.root;
  for (const raw of options.pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^(0|[1-9][0-9]*)$/.test(key)) {
      const index = Number(key);
      path = childPath(path, index);
      node = node[index];
    } else {
      path = childPath(path, key);
      node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return path;
}
