import { Type } from 'typebox';
import { schemaProblem } from './schema-problem.js';

const Schema = Type.Object(
  { points: Type.Array(Type.Object({ key: Type.String(), value: Type.Union([Type.Integer(), Type.Null()]) })), sites: Type.Record(Type.String(), Type.Number()) },
  { additionalProperties: false },
);

describe('schemaProblem', () => {
  it('is undefined for a conforming value', () => {
    expect(schemaProblem(Schema, { points: [{ key: 'a', value: null }], sites: {} })).toBeUndefined();
  });

  it('names the JSON path and reports union members together', () => {
    expect(schemaProblem(Schema, { points: [{ key: 'a', value: 1.5 }], sites: {} })).toBe('$.points[0].value: must be integer or must be null');
  });

  it('quotes keys that are not identifiers and rejects unknown properties', () => {
    expect(schemaProblem(Schema, { points: [], sites: { 'site-1': 'x' } })).toMatch(/^\$\.sites\["site-1"\]: /);
    expect(schemaProblem(Schema, { points: [], sites: {}, extra: 1 })).toMatch(/extra|not allowed|additional/);
  });
});
