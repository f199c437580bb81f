import { allElements, parseXml } from './parse-xml.js';

describe('parseXml (test helper)', () => {
  it('reads a well-formed document into a tree', () => {
    const root = parseXml('<?xml version="1.0"?>\n<!-- c --><svg a="1" b=\'x &amp; y\'><g><path d="M0"/></g>t &lt; u<text>x</text></svg>\n');
    expect(root.name).toBe('svg');
    expect(root.attributes).toEqual({ a: '1', b: 'x &amp; y' });
    expect(allElements(root).map((e) => e.name)).toEqual(['svg', 'g', 'path', 'text']);
  });

  it.each([
    ['<svg><g></svg>', 'expected </g>'],
    ['<svg a=1></svg>', 'malformed tag'],
    ['<svg a="1" a="2"/>', 'repeated'],
    ['<svg>a & b</svg>', 'bare "&"'],
    ['<svg/><svg/>', 'content after the root'],
    ['<svg>', 'never closed'],
    ['text', 'expected "<"'],
  ])('rejects %s', (text, message) => {
    expect(() => parseXml(text)).toThrow(message);
  });
});
