import { Writable } from 'node:stream';
import {
  ContextKey,
  createLogger,
  DataKind,
  Dxo,
  f32,
  f64,
  FLContext,
  HeaderKey,
  isHearthError,
  MetaKey,
  ReturnCode,
  Shareable,
  tensor,
} from '@hearth/core';
import type { DataKindValue, EngineSpec, JsonObject, Tensor } from '@hearth/core';
import { AlgorithmsErrorCode } from './errors.js';
import { WeightedAggregator } from './weighted-aggregator.js';

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly reason?: string;
  readonly site?: string;
  readonly skipped?: string[];
}

function harness(round?: number): { ctx: FLContext; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString()) as LogLine);
      callback();
    },
  });
  const logger = createLogger({ name: 'aggregator-test', level: 'debug', destination });
  const engine: EngineSpec = {
    siteName: 'server',
    jobId: 'job-1',
    logger,
    workspaceDir: '/nonexistent',
    getComponent: () => undefined,
    fireEvent: () => Promise.resolve(),
    newContext: () => new FLContext({ siteName: 'server', jobId: 'job-1', engine }),
  };
  const ctx = new FLContext({ siteName: 'server', jobId: 'job-1', engine });
  if (round !== undefined) ctx.set(ContextKey.CURRENT_ROUND, round);
  return { ctx, lines };
}

interface ResultSpec {
  readonly site?: string;
  readonly round?: number;
  readonly kind?: DataKindValue;
  readonly steps?: unknown;
  readonly params: Record<string, Tensor>;
}

function result(spec: ResultSpec): Shareable {
  const meta: JsonObject = spec.steps === undefined ? {} : { [MetaKey.NUM_STEPS_CURRENT_ROUND]: spec.steps as number };
  const headers: JsonObject = {
    ...(spec.site === undefined ? {} : { [HeaderKey.SITE_NAME]: spec.site }),
    ...(spec.round === undefined ? {} : { [HeaderKey.CURRENT_ROUND]: spec.round }),
  };
  const dxo = new Dxo({ kind: spec.kind ?? DataKind.WEIGHTS, params: new Map(Object.entries(spec.params)), meta });
  return Shareable.fromDxo(dxo, headers);
}

function model(w: number[], b: number): Record<string, Tensor> {
  return { 'fc.weight': f32([w.length], w), 'fc.bias': f64([1], [b]) };
}

function paramsOf(s: Shareable): Map<string, Tensor> {
  return s.dxo?.requireParams() ?? new Map();
}

describe('WeightedAggregator', () => {
  it('computes the weighted mean: local steps × site weight, in the input dtypes', () => {
    const { ctx } = harness(3);
    const aggregator = new WeightedAggregator({ weights: { 'site-2': 2 } });
    aggregator.reset(ctx);
    expect(aggregator.accept(result({ site: 'site-1', round: 3, params: model([1, 2, 3], 10) }), ctx)).toBe(true);
    expect(aggregator.accept(result({ site: 'site-2', round: 3, steps: 3, params: model([4, 5, 6], 20) }), ctx)).toBe(true);
    const out = aggregator.aggregate(ctx);
    const params = paramsOf(out);
    expect([...params.keys()]).toEqual(['fc.weight', 'fc.bias']);
    const w = params.get('fc.weight');
    expect(w?.dtype).toBe('F32');
    expect(w?.shape).toEqual([3]);
    expect(w?.data).toEqual(Float32Array.from([25 / 7, 32 / 7, 39 / 7]));
    expect(params.get('fc.bias')).toEqual(f64([1], [130 / 7]));
    expect(out.dxo?.kind).toBe(DataKind.WEIGHTS);
    expect(out.dxo?.meta[MetaKey.NUM_STEPS_CURRENT_ROUND]).toBe(7);
    expect(out.numberHeader(HeaderKey.CURRENT_ROUND)).toBe(3);
    expect(out.returnCode).toBe(ReturnCode.OK);
    expect(aggregator.contributors).toEqual(['site-1', 'site-2']);
    expect(aggregator.totalWeight).toBe(7);
    expect(paramsOf(aggregator.aggregate(ctx))).toEqual(params);
  });

  it('averages WEIGHT_DIFF results into a WEIGHT_DIFF aggregate', () => {
    const { ctx } = harness(0);
    const aggregator = new WeightedAggregator({ expectedDataKind: DataKind.WEIGHT_DIFF });
    aggregator.reset(ctx);
    for (const [site, v] of [['a', -1], ['b', 0.5], ['c', 3.5]] as const) {
      const diff = result({ site, round: 0, kind: DataKind.WEIGHT_DIFF, steps: 2, params: { d: f32([1], [v]) } });
      expect(aggregator.accept(diff, ctx)).toBe(true);
    }
    const out = aggregator.aggregate(ctx);
    expect(out.dxo?.kind).toBe(DataKind.WEIGHT_DIFF);
    expect(paramsOf(out).get('d')?.data).toEqual(Float32Array.from([1]));
    expect(out.dxo?.meta[MetaKey.NUM_STEPS_CURRENT_ROUND]).toBe(6);
  });

  it('averages half and bfloat16 tensors and returns them in their dtype', () => {
    const { ctx } = harness(1);
    const aggregator = new WeightedAggregator();
    aggregator.reset(ctx);
    const half = (bits: number[]) => tensor('F16', [2], Uint16Array.from(bits));
    const bf16 = (bits: number[]) => tensor('BF16', [2], Uint16Array.from(bits));
    const first = { h: half([0x3c00, 0xc000]), b: bf16([0x3f80, 0xc000]) };
    const second = { h: half([0x4200, 0x4400]), b: bf16([0x4040, 0x4080]) };
    expect(aggregator.accept(result({ site: 'a', round: 1, params: first }), ctx)).toBe(true);
    expect(aggregator.accept(result({ site: 'b', round: 1, params: second }), ctx)).toBe(true);
    const params = paramsOf(aggregator.aggregate(ctx));
    expect(params.get('h')).toEqual(half([0x4000, 0x3c00]));
    expect(params.get('b')).toEqual(bf16([0x4000, 0x3f80]));
  });

  it('checks integer tensors for consistency but leaves them out of the aggregate', () => {
    const { ctx, lines } = harness(1);
    const aggregator = new WeightedAggregator();
    aggregator.reset(ctx);
    const counter = (n: number, shape = [1]) => {
      const count = shape.reduce((a, b) => a * b, 1);
      return tensor('I64', shape, BigInt64Array.from({ length: count }, () => BigInt(n)));
    };
    expect(aggregator.accept(result({ site: 'a', round: 1, params: { w: f32([1], [2]), batches: counter(5) } }), ctx)).toBe(true);
    expect(aggregator.accept(result({ site: 'b', round: 1, params: { w: f32([1], [4]), batches: counter(7, [2]) } }), ctx)).toBe(false);
    expect(aggregator.accept(result({ site: 'b', round: 1, params: { w: f32([1], [4]), batches: counter(7) } }), ctx)).toBe(true);
    const params = paramsOf(aggregator.aggregate(ctx));
    expect([...params.keys()]).toEqual(['w']);
    expect(params.get('w')?.data).toEqual(Float32Array.from([3]));
    expect(lines.find((l) => l.msg === 'non-float tensors left out of the aggregate')?.skipped).toEqual(['batches']);
  });

  it('accumulates in place: it neither keeps nor modifies the results it accepted', () => {
    const { ctx } = harness(2);
    const aggregator = new WeightedAggregator();
    aggregator.reset(ctx);
    const inputs = [model([1, 1, 1], 1), model([3, 5, 7], 3)];
    inputs.forEach((params, i) => {
      expect(aggregator.accept(result({ site: `site-${i}`, round: 2, params }), ctx)).toBe(true);
    });
    expect(inputs[0]?.['fc.weight']?.data).toEqual(Float32Array.from([1, 1, 1]));
    expect(inputs[1]?.['fc.bias']?.data).toEqual(Float64Array.from([3]));
    for (const params of inputs) for (const t of Object.values(params)) (t.data as Float32Array | Float64Array).fill(NaN);
    const params = paramsOf(aggregator.aggregate(ctx));
    expect(params.get('fc.weight')?.data).toEqual(Float32Array.from([2, 3, 4]));
    expect(params.get('fc.bias')?.data).toEqual(Float64Array.from([2]));
    for (const t of params.values()) for (const input of inputs) expect(t.data.buffer).not.toBe(input['fc.weight']?.data.buffer);
  });

  describe('rejections', () => {
    const nine = model([9, 9, 9], 9);
    const errorReply = (): Shareable => {
      const reply = Shareable.withReturnCode(ReturnCode.EXECUTION_EXCEPTION);
      reply.headers[HeaderKey.SITE_NAME] = 'x';
      return reply;
    };
    const headers = { [HeaderKey.SITE_NAME]: 'x', [HeaderKey.CURRENT_ROUND]: 5 };
    const cases: [string, ResultSpec | (() => Shareable), string][] = [
      ['another round', { site: 'x', round: 4, params: nine }, 'result is for round 4, aggregating round 5'],
      ['no round header', { site: 'x', params: nine }, 'result has no current_round header'],
      ['no site header', { round: 5, params: nine }, 'result has no site_name header'],
      ['a duplicate site', { site: 'site-1', round: 5, params: nine }, 'site site-1 already contributed to this round'],
      [
        'another kind',
        { site: 'x', round: 5, kind: DataKind.WEIGHT_DIFF, params: nine },
        'DXO kind WEIGHT_DIFF is not accepted (expected WEIGHTS)',
      ],
      ['a missing tensor', { site: 'x', round: 5, params: { 'fc.weight': f32([3], [9, 9, 9]) } }, 'tensor "fc.bias" is missing'],
      ['an extra tensor', { site: 'x', round: 5, params: { ...nine, extra: f32([1], [1]) } }, 'unexpected tensor "extra"'],
      [
        'another shape',
        { site: 'x', round: 5, params: { ...nine, 'fc.weight': f32([1, 3], [9, 9, 9]) } },
        'tensor "fc.weight" has shape [1, 3], expected [3]',
      ],
      ['another dtype', { site: 'x', round: 5, params: { ...nine, 'fc.bias': f32([1], [9]) } }, 'tensor "fc.bias" has dtype F32, expected F64'],
      ['negative steps', { site: 'x', round: 5, steps: -1, params: nine }, 'NUM_STEPS_CURRENT_ROUND must be a finite number >= 0, got -1'],
      [
        'non-numeric steps',
        { site: 'x', round: 5, steps: 'many', params: nine },
        'NUM_STEPS_CURRENT_ROUND must be a finite number >= 0, got "many"',
      ],
      ['a site weighted 0', { site: 'muted', round: 5, params: nine }, 'weight is 0 (NUM_STEPS_CURRENT_ROUND 1 × site weight 0)'],
      [
        'a malformed tensor',
        { site: 'x', round: 5, params: { ...nine, 'fc.weight': { dtype: 'F32', shape: [3], data: new Float32Array(2) } } },
        'tensor "fc.weight" has 2 elements for shape [3]',
      ],
      ['an error reply', errorReply, 'return code is EXECUTION_EXCEPTION'],
      ['a reply without DXO', () => new Shareable({ headers }), 'result carries no DXO'],
      [
        'a METRICS DXO',
        () => Shareable.fromDxo(new Dxo({ kind: DataKind.METRICS, values: { acc: 1 } }), headers),
        'DXO kind METRICS is not accepted (expected WEIGHTS)',
      ],
    ];

    it.each(cases)('rejects %s, logs why and leaves the sums alone', (_name, spec, reason) => {
      const { ctx, lines } = harness(5);
      const aggregator = new WeightedAggregator({ weights: { muted: 0 } });
      aggregator.reset(ctx);
      expect(aggregator.accept(result({ site: 'site-1', round: 5, params: model([2, 4, 6], 8) }), ctx)).toBe(true);
      const rejected = typeof spec === 'function' ? spec() : result(spec);
      expect(aggregator.accept(rejected, ctx)).toBe(false);
      expect(lines.filter((l) => l.msg.startsWith('result rejected'))).toEqual([expect.objectContaining({ reason, level: 40 })]);
      expect(aggregator.contributors).toEqual(['site-1']);
      const params = paramsOf(aggregator.aggregate(ctx));
      expect(params.get('fc.weight')?.data).toEqual(Float32Array.from([2, 4, 6]));
      expect(aggregator.aggregate(ctx).dxo?.meta[MetaKey.NUM_STEPS_CURRENT_ROUND]).toBe(1);
    });

    it('rejects a kind other than the first accepted one when no kind is configured', () => {
      const { ctx, lines } = harness(1);
      const aggregator = new WeightedAggregator();
      aggregator.reset(ctx);
      expect(aggregator.accept(result({ site: 'a', round: 1, kind: DataKind.WEIGHT_DIFF, params: model([1, 1, 1], 1) }), ctx)).toBe(true);
      expect(aggregator.accept(result({ site: 'b', round: 1, kind: DataKind.WEIGHTS, params: model([1, 1, 1], 1) }), ctx)).toBe(false);
      expect(lines.at(-1)?.reason).toBe('DXO kind WEIGHTS is not accepted (expected WEIGHT_DIFF)');
    });
  });

  it('forgets everything on reset and aggregates the next round on its own', () => {
    const { ctx } = harness(1);
    const aggregator = new WeightedAggregator();
    aggregator.reset(ctx);
    expect(aggregator.accept(result({ site: 'a', round: 1, params: model([1, 1, 1], 1) }), ctx)).toBe(true);
    ctx.set(ContextKey.CURRENT_ROUND, 2);
    aggregator.reset(ctx);
    expect(aggregator.round).toBe(2);
    expect(aggregator.contributors).toEqual([]);
    expect(aggregator.accept(result({ site: 'a', round: 1, params: model([1, 1, 1], 1) }), ctx)).toBe(false);
    expect(aggregator.accept(result({ site: 'a', round: 2, params: { other: f32([2], [4, 8]) } }), ctx)).toBe(true);
    expect(paramsOf(aggregator.aggregate(ctx)).get('other')?.data).toEqual(Float32Array.from([4, 8]));
  });

  it('takes the round from the first accepted result when the reset context has none', () => {
    const { ctx } = harness();
    const aggregator = new WeightedAggregator();
    expect(aggregator.accept(result({ site: 'a', round: 7, params: model([1, 1, 1], 1) }), ctx)).toBe(true);
    expect(aggregator.round).toBe(7);
    expect(aggregator.accept(result({ site: 'b', round: 6, params: model([1, 1, 1], 1) }), ctx)).toBe(false);
    expect(aggregator.aggregate(ctx).numberHeader(HeaderKey.CURRENT_ROUND)).toBe(7);
  });

  it('throws a coded error when asked to aggregate nothing', () => {
    const { ctx } = harness(1);
    const aggregator = new WeightedAggregator();
    aggregator.reset(ctx);
    expect(() => aggregator.aggregate(ctx)).toThrow(expect.objectContaining({ code: AlgorithmsErrorCode.NOTHING_TO_AGGREGATE }));
    expect(() => aggregator.aggregate(ctx)).toThrow('nothing to aggregate: no result was accepted for round 1');
  });

  it.each([
    [{ weights: { a: -1 } }, 'weight of site "a" must be a finite number >= 0, got -1'],
    [{ weights: { a: Number.NaN } }, 'weight of site "a" must be a finite number >= 0, got NaN'],
    [{ expectedDataKind: DataKind.METRICS }, 'expectedDataKind must be WEIGHTS or WEIGHT_DIFF, got "METRICS"'],
  ])('refuses options %j', (options, message) => {
    let error: unknown;
    try {
      new WeightedAggregator(options);
    } catch (thrown) {
      error = thrown;
    }
    expect(isHearthError(error, AlgorithmsErrorCode.INVALID_OPTIONS)).toBe(true);
    expect((error as Error).message).toBe(message);
  });
});
