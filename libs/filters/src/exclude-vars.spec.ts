import { DataKind, Dxo, f32, FLContext, isHearthError, MetaKey, Shareable, silentLogger } from '@hearth/core';
import type { EngineSpec, Tensor } from '@hearth/core';
import { FiltersErrorCode } from './errors.js';
import { ExcludeVars } from './exclude-vars.js';

function context(): FLContext {
  const engine: EngineSpec = {
    siteName: 'site-1',
    jobId: 'job-1',
    logger: silentLogger(),
    workspaceDir: '/nonexistent',
    getComponent: () => undefined,
    fireEvent: () => Promise.resolve(),
    newContext: () => context(),
  };
  return new FLContext({ siteName: 'site-1', jobId: 'job-1', engine });
}

function weights(names: string[], kind: typeof DataKind.WEIGHTS | typeof DataKind.WEIGHT_DIFF = DataKind.WEIGHTS): Dxo {
  return new Dxo({ kind, params: new Map(names.map((name, i): [string, Tensor] => [name, f32([1], [i])])) });
}

function namesOf(dxo: Dxo | undefined): string[] {
  return [...(dxo?.params?.keys() ?? [])];
}

function errorOf(run: () => unknown): unknown {
  try {
    run();
    return undefined;
  } catch (thrown) {
    return thrown;
  }
}

const MODEL = ['conv1.weight', 'conv1.bias', 'Conv2.weight', 'fc.weight', 'fc.bias', 'bn.running_mean'];

describe('ExcludeVars', () => {
  const ctx = context();

  it('removes exact names and records them in the DXO meta without touching the input', () => {
    const input = weights(MODEL);
    const shareable = Shareable.fromDxo(input);
    const out = new ExcludeVars({ excludeVars: ['fc.bias', 'bn.running_mean', 'not.there'] }).process(shareable, ctx);
    expect(out).toBe(shareable);
    expect(namesOf(out.dxo)).toEqual(['conv1.weight', 'conv1.bias', 'Conv2.weight', 'fc.weight']);
    expect(out.dxo?.meta[MetaKey.PROCESSED_KEYS]).toEqual(['fc.bias', 'bn.running_mean']);
    expect(out.dxo?.meta[MetaKey.FILTER_HISTORY]).toEqual(['ExcludeVars']);
    expect(out.dxo?.params?.get('fc.weight')).toBe(input.params?.get('fc.weight'));
    expect(namesOf(input)).toEqual(MODEL);
    expect(input.meta).toEqual({});
  });

  it('treats /pattern/flags entries as regular expressions searched in the name', () => {
    const filter = new ExcludeVars({ excludeVars: ['/^conv\\d+\\./i', '/bias$/'] });
    const out = filter.process(Shareable.fromDxo(weights(MODEL)), ctx);
    expect(namesOf(out.dxo)).toEqual(['fc.weight', 'bn.running_mean']);
    expect(out.dxo?.meta[MetaKey.PROCESSED_KEYS]).toEqual(['conv1.weight', 'conv1.bias', 'Conv2.weight', 'fc.bias']);
  });

  it('accepts a single string', () => {
    const out = new ExcludeVars({ excludeVars: '/running_/' }).process(Shareable.fromDxo(weights(MODEL)), ctx);
    expect(namesOf(out.dxo)).not.toContain('bn.running_mean');
    expect(namesOf(out.dxo)).toHaveLength(5);
  });

  it('filters WEIGHT_DIFF and leaves other kinds alone', () => {
    const filter = new ExcludeVars({ excludeVars: 'fc.bias' });
    expect(namesOf(filter.process(Shareable.fromDxo(weights(MODEL, DataKind.WEIGHT_DIFF)), ctx).dxo)).not.toContain('fc.bias');
    const metrics = new Dxo({ kind: DataKind.METRICS, values: { 'fc.bias': 1 } });
    expect(filter.process(Shareable.fromDxo(metrics), ctx).dxo).toBe(metrics);
    const empty = new Shareable();
    expect(filter.process(empty, ctx)).toBe(empty);
    expect(empty.dxo).toBeUndefined();
  });

  it('only filters the configured kinds', () => {
    const filter = new ExcludeVars({ excludeVars: 'fc.bias', dataKinds: [DataKind.WEIGHT_DIFF] });
    const input = weights(MODEL);
    expect(filter.process(Shareable.fromDxo(input), ctx).dxo).toBe(input);
  });

  it('filters tensor items of collections at any depth', () => {
    const metrics = new Dxo({ kind: DataKind.METRICS, values: { acc: 0.9 } });
    const inner = new Dxo({ kind: DataKind.COLLECTION, items: new Map([['personal', weights(['head.weight', 'fc.bias'], DataKind.WEIGHT_DIFF)]]) });
    const outer = new Dxo({
      kind: DataKind.COLLECTION,
      items: new Map<string, Dxo>([
        ['global', weights(['fc.weight', 'fc.bias'])],
        ['metrics', metrics],
        ['nested', inner],
      ]),
      meta: { [MetaKey.FILTER_HISTORY]: ['Earlier'] },
    });
    const out = new ExcludeVars({ excludeVars: ['fc.bias'] }).process(Shareable.fromDxo(outer), ctx).dxo;
    expect(out?.kind).toBe(DataKind.COLLECTION);
    expect(out?.meta[MetaKey.FILTER_HISTORY]).toEqual(['Earlier', 'ExcludeVars']);
    const global = out?.items?.get('global');
    expect(namesOf(global)).toEqual(['fc.weight']);
    expect(global?.meta[MetaKey.PROCESSED_KEYS]).toEqual(['fc.bias']);
    expect(out?.items?.get('metrics')).toBe(metrics);
    const personal = out?.items?.get('nested')?.items?.get('personal');
    expect(namesOf(personal)).toEqual(['head.weight']);
    expect(personal?.kind).toBe(DataKind.WEIGHT_DIFF);
    expect(namesOf(outer.items?.get('global'))).toEqual(['fc.weight', 'fc.bias']);
  });

  it('leaves a collection without tensor items unchanged', () => {
    const collection = new Dxo({ kind: DataKind.COLLECTION, items: new Map([['m', new Dxo({ kind: DataKind.METRICS, values: {} })]]) });
    expect(new ExcludeVars({ excludeVars: 'x' }).process(Shareable.fromDxo(collection), ctx).dxo).toBe(collection);
  });

  it('adds to what earlier filters recorded', () => {
    const input = weights(MODEL).withMeta({ [MetaKey.PROCESSED_KEYS]: ['fc.weight'], [MetaKey.FILTER_HISTORY]: ['PercentilePrivacy'] });
    const out = new ExcludeVars({ excludeVars: ['fc.bias', 'fc.weight'] }).process(Shareable.fromDxo(input), ctx);
    expect(out.dxo?.meta[MetaKey.PROCESSED_KEYS]).toEqual(['fc.weight', 'fc.bias']);
    expect(out.dxo?.meta[MetaKey.FILTER_HISTORY]).toEqual(['PercentilePrivacy', 'ExcludeVars']);
  });

  it('filters each Shareable on its own when they share a DXO', () => {
    const shared = weights(MODEL);
    const filter = new ExcludeVars({ excludeVars: 'fc.bias' });
    const first = filter.process(Shareable.fromDxo(shared), ctx);
    const second = filter.process(Shareable.fromDxo(shared), ctx);
    expect(first.dxo?.meta[MetaKey.FILTER_HISTORY]).toEqual(['ExcludeVars']);
    expect(second.dxo?.meta[MetaKey.FILTER_HISTORY]).toEqual(['ExcludeVars']);
    expect(namesOf(shared)).toEqual(MODEL);
  });

  it.each([
    ['/(/', 'pattern "/(/" is not a valid regular expression: Invalid regular expression: /(/: Unterminated group'],
    ['/a/z', 'pattern "/a/z" is not a valid regular expression: Invalid flags supplied to RegExp constructor \'z\''],
    ['/a/g', 'pattern "/a/g" uses flag g or y, which make matching depend on earlier matches'],
  ])('refuses the pattern %s at construction, naming it', (pattern, message) => {
    const error = errorOf(() => new ExcludeVars({ excludeVars: ['ok', pattern] }));
    expect(isHearthError(error, FiltersErrorCode.INVALID_PATTERN)).toBe(true);
    expect((error as Error).message).toBe(message);
  });

  it.each([
    [{ excludeVars: [] }, 'exclude_vars must be a name, a /pattern/ or a non-empty list of them, got []'],
    [{ excludeVars: ['a', ''] }, 'a name or pattern must be a non-empty string, got ""'],
    [{ excludeVars: [3] as unknown as string[] }, 'a name or pattern must be a non-empty string, got 3'],
    [{ excludeVars: 5 as unknown as string }, 'exclude_vars must be a name, a /pattern/ or a non-empty list of them, got 5'],
    [{ excludeVars: 'a', dataKinds: [DataKind.METRICS] }, 'data_kinds may only name tensor kinds (WEIGHTS, WEIGHT_DIFF), got "METRICS"'],
  ])('refuses %j', (options, message) => {
    const error = errorOf(() => new ExcludeVars(options));
    expect(isHearthError(error, FiltersErrorCode.INVALID_ARGS)).toBe(true);
    expect((error as Error).message).toBe(message);
  });
});
