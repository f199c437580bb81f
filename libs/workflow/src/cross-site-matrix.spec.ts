import { WorkflowErrorCode } from './errors.js';
import { CrossSiteMatrix } from './cross-site-matrix.js';

describe('CrossSiteMatrix', () => {
  function filled(): CrossSiteMatrix {
    const matrix = new CrossSiteMatrix({ models: ['server', 'site-1', 'site-2'], sites: ['site-1', 'site-2'] });
    matrix.record({ model: 'server', site: 'site-1', metrics: { acc: 0.9, loss: 0.25 } });
    matrix.record({ model: 'server', site: 'site-2', metrics: { acc: 0.8, loss: 0.5 } });
    matrix.record({ model: 'site-1', site: 'site-1', metrics: { acc: 0.95 } });
    matrix.problem({ model: 'site-1', site: 'site-2', task: 'validate', reason: 'timeout' });
    matrix.problem({ model: 'site-2', task: 'submit_model', reason: 'return code EXECUTION_EXCEPTION: no model' });
    return matrix;
  }

  it('holds rows by model owner and columns by validating site, with null for a missing answer', () => {
    expect(filled().toJSON()).toEqual({
      models: ['server', 'site-1', 'site-2'],
      sites: ['site-1', 'site-2'],
      metrics: ['acc', 'loss'],
      results: {
        server: { 'site-1': { acc: 0.9, loss: 0.25 }, 'site-2': { acc: 0.8, loss: 0.5 } },
        'site-1': { 'site-1': { acc: 0.95 }, 'site-2': null },
        'site-2': { 'site-1': null, 'site-2': null },
      },
      problems: [
        { model: 'site-1', site: 'site-2', task: 'validate', reason: 'timeout' },
        { model: 'site-2', task: 'submit_model', reason: 'return code EXECUTION_EXCEPTION: no model' },
      ],
    });
  });

  it('renders one markdown table per metric with empty cells, then the missing answers', () => {
    expect(filled().toMarkdown()).toBe(
      [
        '# Cross-site validation',
        '',
        'Rows: the model owner. Columns: the site that validated it. An empty cell had no answer.',
        '',
        '## acc',
        '',
        '| model \\ site | site-1 | site-2 |',
        '| --- | --- | --- |',
        '| server | 0.9 | 0.8 |',
        '| site-1 | 0.95 |  |',
        '| site-2 |  |  |',
        '',
        '## loss',
        '',
        '| model \\ site | site-1 | site-2 |',
        '| --- | --- | --- |',
        '| server | 0.25 | 0.5 |',
        '| site-1 |  |  |',
        '| site-2 |  |  |',
        '',
        '## Missing answers',
        '',
        '- model site-1 at site-2: validate timeout',
        '- model site-2: submit_model return code EXECUTION_EXCEPTION: no model',
        '',
      ].join('\n'),
    );
  });

  it('rounds cells to six significant digits and escapes pipes', () => {
    const matrix = new CrossSiteMatrix({ models: ['a|b'], sites: ['s'] });
    matrix.record({ model: 'a|b', site: 's', metrics: { 'x|y': 1 / 3 } });
    expect(matrix.toMarkdown()).toContain('| a\\|b | 0.333333 |');
    expect(matrix.toMarkdown()).toContain('## x\\|y');
    expect(matrix.toJSON().results['a|b']?.['s']?.['x|y']).toBe(1 / 3);
  });

  it('says so when nobody reported a metric, and refuses unknown rows and columns', () => {
    const matrix = new CrossSiteMatrix({ models: ['a'], sites: ['s'] });
    expect(matrix.toMarkdown()).toContain('No site reported a metric.');
    expect(() => matrix.record({ model: 'b', site: 's', metrics: {} })).toThrow(expect.objectContaining({ code: WorkflowErrorCode.INVALID_ARGS }));
    expect(() => matrix.record({ model: 'a', site: 't', metrics: {} })).toThrow('cross-site matrix: "t" is not a validating site');
  });
});
