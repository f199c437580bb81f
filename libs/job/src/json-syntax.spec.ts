import { findJsonSyntaxError } from './json-syntax.js';

describe('findJsonSyntaxError', () => {
  it.each([
    ['{"a": 1, "b": [true, false, null, -1.5e3, "x\\n\\u00e9"]}'],
    ['  [ ]  '],
    ['"just a string"'],
    ['0'],
  ])('finds nothing wrong in %s', (text) => {
    expect(JSON.parse(text)).toBeDefined();
    expect(findJsonSyntaxError(text)).toBeUndefined();
  });

  it.each([
    ['{"a": }', 1, 7, 'expected a JSON value, found character "}"'],
    ['{"a": 1,}', 1, 9, 'expected a property name in double quotes, found character "}"'],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, 'expected "," or "}" after a property value, found character "\\""'],
    ['[1, 2,, 3]', 1, 7, 'expected a JSON value, found character ","'],
    ['[1 2]', 1, 4, 'expected "," or "]" after an array element, found character "2"'],
    ['{"a" 1}', 1, 6, 'expected ":" after a property name, found character "1"'],
    ['{"a": "x\ny"}', 1, 9, 'control character in string (escape it, e.g. \\n)'],
    ['{"a": "\\q"}', 1, 8, 'invalid escape in string'],
    ['{"a": "\\u12G4"}', 1, 8, 'invalid \\u escape in string'],
    ['{"a": "open', 1, 12, 'unterminated string'],
    ['{"a": tru}', 1, 7, 'expected true'],
    ['{"a": 01}', 1, 8, 'expected "," or "}" after a property value, found character "1"'],
    ['{"a": -}', 1, 7, 'invalid number'],
    ['{"a": 1} x', 1, 10, 'unexpected character "x" after the end of the JSON value'],
    ['', 1, 1, 'expected a JSON value, found end of input'],
    ["{'a': 1}", 1, 2, 'expected a property name in double quotes, found character "\'"'],
  ])('locates the error in %j', (text, line, column, message) => {
    expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
    expect(findJsonSyntaxError(text)).toEqual({ line, column, message });
  });
});
