import { Type } from 'typebox';
import type { TSchema } from 'typebox';
import { childPath, pointerToPath } from './json-path.js';
import { schemaProblems } from './schema-problems.js';

describe('JSON paths', () => {
  it('prints identifiers with dots, indexes in brackets and other keys quoted', () => {
    expect(childPath(childPath(childPath('$', 'deploy_map'), 'app-1'), 0)).toBe('$.deploy_map["app-1"][0]');
    expect(childPath('$', 'a"b')).toBe('$["a\\"b"]');
  });

  it('tells array indexes from object keys that look like numbers', () => {
    const root = { list: [{ x: 1 }], map: { '0': { x: 1 } } };
    expect(pointerToPath({ pointer: '/list/0/x', root, base: '$' })).toBe('$.list[0].x');
    expect(pointerToPath({ pointer: '/map/0/x', root, base: '$' })).toBe('$.map["0"].x');
    expect(pointerToPath({ pointer: '/a~1b/c~0d', root: {}, base: '$.args' })).toBe('$.args["a/b"]["c~d"]');
    expect(pointerToPath({ pointer: '', root, base: '$.x' })).toBe('$.x');
  });
});

describe('schemaProblems', () => {
  const file = 'f.json';

  it('lists the allowed values of a union of constants', () => {
    const schema = Type.Object({ mode: Type.Union([Type.Literal('fast'), Type.Literal('safe')]) });
    expect(schemaProblems({ schema, value: { mode: 'quick' }, file })).toEqual([{ file, path: '$.mode', message: 'must be one of "fast", "safe"' }]);
  });

  it('says a value matches none of the forms of another union', () => {
    const schema = Type.Object({ v: Type.Union([Type.String(), Type.Array(Type.String())]) });
    expect(schemaProblems({ schema, value: { v: 3 }, file, path: '$.args' })).toEqual([
      { file, path: '$.args.v', message: 'does not match any of the allowed forms' },
    ]);
  });

  it('reports enums, duplicates and missing properties at their own paths', () => {
    const schema = Type.Object({
      kind: Type.Enum(['a', 'b']),
      list: Type.Array(Type.String(), { uniqueItems: true }),
      need: Type.Number(),
    });
    expect(schemaProblems({ schema, value: { kind: 'c', list: ['x', 'x'] }, file })).toEqual([
      { file, path: '$.need', message: 'is required but missing' },
      { file, path: '$.kind', message: 'must be one of "a", "b"' },
      { file, path: '$.list', message: 'must not contain the same item twice' },
    ]);
  });

  it('reports a schema it cannot use instead of throwing', () => {
    const schema = Type.Object({ name: Type.String({ pattern: '(' }) });
    expect(schemaProblems({ schema, value: { name: 'x' }, file, path: '$.args' })).toEqual([
      { file, path: '$.args', message: expect.stringMatching(/^cannot be checked: the schema is not usable \(Invalid regular expression/) },
    ]);
  });

  it('says a value is not allowed where the schema is false', () => {
    const schema = { type: 'object', properties: { old: false } } as unknown as TSchema;
    expect(schemaProblems({ schema, value: { old: 1 }, file })).toEqual([{ file, path: '$.old', message: 'is not allowed here' }]);
  });
});
