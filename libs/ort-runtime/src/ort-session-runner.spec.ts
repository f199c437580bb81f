import { readdirSync } from 'node:fs';
import { Writable } from 'node:stream';
import { create, toBinary } from '@bufbuild/protobuf';
import { createLogger, f32, tensor } from '@hearth/core';
import type { DType, Logger, Tensor } from '@hearth/core';
import { ModelProtoSchema, TensorProto_DataType as OnnxType } from 'onnx-buf';
import type { NodeProtoSchema, ValueInfoProtoSchema } from 'onnx-buf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { createOrtSessionRunner } from './ort-session-runner.js';
import type { OrtSessionRunner } from './ort-session-runner.js';

type NodeInit = MessageInitShape<typeof NodeProtoSchema>;
type ValueInit = MessageInitShape<typeof ValueInfoProtoSchema>;

function value(name: string, elemType: OnnxType, dims: readonly (number | string)[]): ValueInit {
  const dim = dims.map((d) =>
    typeof d === 'string' ? { value: { case: 'dimParam' as const, value: d } } : { value: { case: 'dimValue' as const, value: BigInt(d) } },
  );
  return { name, type: { value: { case: 'tensorType', value: { elemType, shape: { dim } } } } };
}

function model(graph: { nodes: NodeInit[]; inputs: ValueInit[]; outputs: ValueInit[]; reshapeTo?: number[] }): Uint8Array {
  const initializer =
    graph.reshapeTo === undefined
      ? []
      : [{ name: 'target_shape', dims: [BigInt(graph.reshapeTo.length)], dataType: OnnxType.INT64, int64Data: graph.reshapeTo.map(BigInt) }];
  const proto = create(ModelProtoSchema, {
    irVersion: 8n,
    opsetImport: [{ domain: '', version: 17n }],
    producerName: 'hearth-ort-runtime-spec',
    graph: { name: 'g', node: graph.nodes, input: graph.inputs, output: graph.outputs, initializer },
  });
  return toBinary(ModelProtoSchema, proto);
}

/** y = x·w + b (x has a free batch dimension) and yi = int64(y). */
const affine = model({
  nodes: [
    { opType: 'MatMul', input: ['x', 'w'], output: ['xw'] },
    { opType: 'Add', input: ['xw', 'b'], output: ['y'] },
    { opType: 'Cast', input: ['y'], output: ['yi'], attribute: [{ name: 'to', type: 2, i: BigInt(OnnxType.INT64) }] },
  ],
  inputs: [value('x', OnnxType.FLOAT, ['N', 2]), value('w', OnnxType.FLOAT, [2, 3]), value('b', OnnxType.FLOAT, [3])],
  outputs: [value('y', OnnxType.FLOAT, ['N', 3]), value('yi', OnnxType.INT64, ['N', 3])],
});

const DTYPE_CASES: [DType, OnnxType, () => Tensor][] = [
  ['F32', OnnxType.FLOAT, () => tensor('F32', [2], Float32Array.from([1.5, -2]))],
  ['F64', OnnxType.DOUBLE, () => tensor('F64', [2], Float64Array.from([Math.PI, -1e-300]))],
  ['F16', OnnxType.FLOAT16, () => tensor('F16', [2], Uint16Array.from([0x3c00, 0xc000]))],
  ['I64', OnnxType.INT64, () => tensor('I64', [2], BigInt64Array.from([-(2n ** 62n), 7n]))],
  ['I32', OnnxType.INT32, () => tensor('I32', [2], Int32Array.from([-5, 2 ** 30]))],
  ['I16', OnnxType.INT16, () => tensor('I16', [2], Int16Array.from([-300, 300]))],
  ['I8', OnnxType.INT8, () => tensor('I8', [2], Int8Array.from([-128, 127]))],
  ['U8', OnnxType.UINT8, () => tensor('U8', [2], Uint8Array.from([0, 255]))],
  ['BOOL', OnnxType.BOOL, () => tensor('BOOL', [2], Uint8Array.from([1, 0]))],
];

/** Identity per dtype: every Hearth dtype ORT knows goes in and comes back unchanged. */
const identities = model({
  nodes: DTYPE_CASES.map(([dtype]) => ({ opType: 'Identity', input: [`in_${dtype}`], output: [`out_${dtype}`] })),
  inputs: DTYPE_CASES.map(([dtype, onnx]) => value(`in_${dtype}`, onnx, [2])),
  outputs: DTYPE_CASES.map(([dtype, onnx]) => value(`out_${dtype}`, onnx, [2])),
});

/** A chain of 24 MatMuls over 256×256 matrices: long enough that a blocked event loop would show. */
const HEAVY_SIZE = 256;
const HEAVY_STEPS = 24;
const heavy = model({
  nodes: Array.from({ length: HEAVY_STEPS }, (_, i) => ({
    opType: 'MatMul',
    input: [i === 0 ? 'x' : `h${i}`, 'w'],
    output: [i === HEAVY_STEPS - 1 ? 'y' : `h${i + 1}`],
  })),
  inputs: [value('x', OnnxType.FLOAT, [HEAVY_SIZE, HEAVY_SIZE]), value('w', OnnxType.FLOAT, [HEAVY_SIZE, HEAVY_SIZE])],
  outputs: [value('y', OnnxType.FLOAT, [HEAVY_SIZE, HEAVY_SIZE])],
});
const heavyFeeds = (): Record<string, Tensor> => ({
  x: tensor('F32', [HEAVY_SIZE, HEAVY_SIZE], new Float32Array(HEAVY_SIZE * HEAVY_SIZE).fill(1)),
  w: tensor('F32', [HEAVY_SIZE, HEAVY_SIZE], new Float32Array(HEAVY_SIZE * HEAVY_SIZE).fill(1 / HEAVY_SIZE)),
});

/** Reshape of a free-length vector to [3]: valid feeds that ORT still rejects at run time unless the length is 3. */
const reshape = model({
  nodes: [{ opType: 'Reshape', input: ['v', 'target_shape'], output: ['r'] }],
  inputs: [value('v', OnnxType.FLOAT, ['L'])],
  outputs: [value('r', OnnxType.FLOAT, [3])],
  reshapeTo: [3],
});

/** A model with a string output, which Hearth tensors cannot hold. */
const stringy = model({
  nodes: [{ opType: 'Cast', input: ['v'], output: ['s'], attribute: [{ name: 'to', type: 2, i: BigInt(OnnxType.STRING) }] }],
  inputs: [value('v', OnnxType.FLOAT, [2])],
  outputs: [value('s', OnnxType.STRING, [2])],
});

/** A pino logger whose JSON lines land in `lines`. */
function captureLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ name: 'ort-runtime-spec', level: 'debug', destination }), lines };
}

const CPU = { executionProviders: ['cpu'] } as const;

describe('createOrtSessionRunner', () => {
  const open: OrtSessionRunner[] = [];
  async function start(bytes: Uint8Array, options: Parameters<typeof createOrtSessionRunner>[1] = CPU): Promise<OrtSessionRunner> {
    const runner = await createOrtSessionRunner(bytes, options);
    open.push(runner);
    return runner;
  }
  afterEach(async () => {
    await Promise.all(open.splice(0).map((runner) => runner.close()));
  });

  it('runs a model in a worker and returns the fetched outputs as Hearth tensors', async () => {
    const runner = await start(affine);
    expect(runner.executionProvider).toBe('cpu');
    expect(runner.inputs.map((i) => [i.name, i.type, i.shape])).toEqual([
      ['x', 'float32', ['N', 2]],
      ['w', 'float32', [2, 3]],
      ['b', 'float32', [3]],
    ]);
    const feeds = { x: f32([2, 2], [1, 2, 3, 4]), w: f32([2, 3], [1, 0, 2, 0, 1, 3]), b: f32([3], [0.5, 0, -1]) };
    const out = await runner.run(feeds, ['y', 'yi']);
    expect(out['y']).toEqual(f32([2, 3], [1.5, 2, 7, 3.5, 4, 17]));
    expect(out['yi']).toEqual(tensor('I64', [2, 3], BigInt64Array.from([1n, 2n, 7n, 3n, 4n, 17n])));
    expect(Object.keys(await runner.run(feeds, ['yi']))).toEqual(['yi']);
    expect(Object.keys(await runner.run(feeds, []))).toEqual(['y', 'yi']);
    expect([...feeds.x.data]).toEqual([1, 2, 3, 4]);
  });

  it('maps every Hearth dtype ORT supports both ways, bit for bit', async () => {
    const runner = await start(identities);
    const feeds = Object.fromEntries(DTYPE_CASES.map(([dtype, , make]) => [`in_${dtype}`, make()]));
    const out = await runner.run(feeds, []);
    for (const [dtype, , make] of DTYPE_CASES) expect(out[`out_${dtype}`]).toEqual(make());
  });

  it('moves feed buffers when transferFeeds is set, and copies views over shared buffers', async () => {
    const runner = await start(affine, { ...CPU, transferFeeds: true });
    const shared = new Float32Array([9, 9, 1, 1, 1, 1, 1, 1]);
    const feeds = {
      x: f32([1, 2], [1, 2]),
      w: tensor('F32', [2, 3], shared.subarray(2)),
      b: f32([3], [0, 0, 0]),
    };
    const out = await runner.run(feeds, ['y']);
    expect(out['y']).toEqual(f32([1, 3], [3, 3, 3]));
    expect(feeds.x.data.length).toBe(0);
    expect(feeds.b.data.length).toBe(0);
    expect([...shared]).toEqual([9, 9, 1, 1, 1, 1, 1, 1]);
  });

  it('rejects bad feeds and fetches with coded errors that name the input or output', async () => {
    const runner = await start(affine);
    const good = { x: f32([1, 2], [1, 2]), w: f32([2, 3], [1, 1, 1, 1, 1, 1]), b: f32([3], [0, 0, 0]) };
    await expect(runner.run({ ...good, z: f32([1], [0]) }, ['y'])).rejects.toMatchObject({
      code: 'HEARTH_ERR_ORT_UNKNOWN_INPUT',
      message: expect.stringContaining('feed "z" is not an input'),
    });
    await expect(runner.run({ x: good.x, w: good.w }, ['y'])).rejects.toMatchObject({ code: 'HEARTH_ERR_ORT_MISSING_INPUT', context: { input: 'b' } });
    await expect(runner.run({ ...good, w: tensor('F64', [2, 3], new Float64Array(6)) }, ['y'])).rejects.toMatchObject({
      code: 'HEARTH_ERR_ORT_INPUT_DTYPE_MISMATCH',
      message: 'input "w" expects float32 (F32), got F64',
    });
    await expect(runner.run({ ...good, x: f32([2, 1], [1, 2]) }, ['y'])).rejects.toMatchObject({
      code: 'HEARTH_ERR_ORT_INPUT_SHAPE_MISMATCH',
      message: 'input "x" expects shape [N, 2], got [2, 1]',
    });
    await expect(runner.run({ ...good, b: f32([1, 3], [0, 0, 0]) }, ['y'])).rejects.toMatchObject({
      code: 'HEARTH_ERR_ORT_INPUT_SHAPE_MISMATCH',
      context: expect.objectContaining({ input: 'b' }),
    });
    const bf16 = { dtype: 'BF16', shape: [3], data: new Uint16Array(3) } as Tensor;
    await expect(runner.run({ ...good, b: bf16 }, ['y'])).rejects.toMatchObject({
      code: 'HEARTH_ERR_ORT_UNSUPPORTED_DTYPE',
      context: { input: 'b', dtype: 'BF16' },
    });
    await expect(runner.run(good, ['nope'])).rejects.toMatchObject({ code: 'HEARTH_ERR_ORT_UNKNOWN_OUTPUT', context: expect.objectContaining({ output: 'nope' }) });
    expect((await runner.run(good, ['y']))['y']).toEqual(f32([1, 3], [3, 3, 3]));
  });

  it('refuses to fetch an output Hearth tensors cannot hold', async () => {
    const runner = await start(stringy);
    await expect(runner.run({ v: f32([2], [1, 2]) }, ['s'])).rejects.toMatchObject({
      code: 'HEARTH_ERR_ORT_UNSUPPORTED_DTYPE',
      message: 'output "s" has type string, which Hearth tensors cannot hold',
    });
  });

  it('turns an ORT run failure into a coded error and keeps working', async () => {
    const runner = await start(reshape);
    await expect(runner.run({ v: f32([4], [1, 2, 3, 4]) }, ['r'])).rejects.toMatchObject({
      code: 'HEARTH_ERR_ORT_RUN_FAILED',
      context: expect.objectContaining({ ortMessage: expect.stringMatching(/reshape/i) }),
    });
    expect((await runner.run({ v: f32([3], [1, 2, 3]) }, ['r']))['r']).toEqual(f32([3], [1, 2, 3]));
  });

  it('keeps the event loop ticking while a heavy graph runs', async () => {
    const runner = await start(heavy);
    let ticks = 0;
    let settled = false;
    const tick = (): void => {
      ticks++;
      if (!settled) setImmediate(tick);
    };
    setImmediate(tick);
    const events: string[] = [];
    const run = runner.run(heavyFeeds(), ['y']).then((out) => {
      events.push(`done after ${ticks > 100 ? 'many' : ticks} ticks`);
      return out;
    });
    const out = await run;
    settled = true;
    expect(events).toEqual(['done after many ticks']);
    expect(out['y']?.shape).toEqual([HEAVY_SIZE, HEAVY_SIZE]);
    expect(out['y']?.data[0]).toBeCloseTo(1, 4);
  });

  it('falls back from CUDA to the CPU with a warning that gives the reason', async () => {
    const { logger, lines } = captureLogger();
    const runner = await start(affine, { executionProviders: ['cuda', 'cpu'], logger });
    expect(runner.executionProvider).toBe('cpu');
    const warnings = lines.filter((line) => line['level'] === 40);
    expect(warnings).toEqual([
      expect.objectContaining({ provider: 'cuda', fallback: 'cpu', reason: expect.stringMatching(/cuda/i) }),
    ]);
    const out = await runner.run({ x: f32([1, 2], [1, 1]), w: f32([2, 3], [1, 2, 3, 4, 5, 6]), b: f32([3], [0, 0, 0]) }, ['y']);
    expect(out['y']).toEqual(f32([1, 3], [5, 7, 9]));
  });

  it('fails with every provider reason when none can create the session', async () => {
    const { logger } = captureLogger();
    await expect(createOrtSessionRunner(affine, { executionProviders: ['cuda'], logger })).rejects.toMatchObject({
      code: 'HEARTH_ERR_ORT_SESSION_CREATE_FAILED',
      context: { attempts: [expect.objectContaining({ provider: 'cuda' })] },
    });
    await expect(createOrtSessionRunner(Uint8Array.from([1, 2, 3]), { ...CPU, logger })).rejects.toMatchObject({
      code: 'HEARTH_ERR_ORT_SESSION_CREATE_FAILED',
      message: expect.stringContaining('cpu:'),
    });
  });

  it('rejects invalid options before starting a worker', async () => {
    await expect(createOrtSessionRunner(affine, { executionProviders: [] })).rejects.toMatchObject({ code: 'HEARTH_ERR_ORT_INVALID_OPTIONS' });
  });

  it('reports a worker that dies as a coded error instead of hanging', async () => {
    const { logger, lines } = captureLogger();
    await expect(
      createOrtSessionRunner(affine, { ...CPU, logger, workerResourceLimits: { maxOldGenerationSizeMb: 2, maxYoungGenerationSizeMb: 1 } }),
    ).rejects.toMatchObject({ code: 'HEARTH_ERR_ORT_WORKER_CRASHED' });
    expect(lines.some((line) => line['level'] === 50 && line['msg'] === 'session worker crashed')).toBe(true);
  });

  it('close fails a pending run, is idempotent and ends the worker thread', async () => {
    const taskDir = '/proc/self/task';
    const threads = (): number => readdirSync(taskDir).length;
    await (await createOrtSessionRunner(affine, CPU)).close();
    const before = threads();
    const runner = await createOrtSessionRunner(heavy, CPU);
    expect(threads()).toBeGreaterThan(before);
    const pending = runner.run(heavyFeeds(), ['y']);
    const closing = runner.close();
    expect(runner.close()).toBe(closing);
    await expect(pending).rejects.toMatchObject({ code: 'HEARTH_ERR_ORT_RUNNER_CLOSED' });
    await closing;
    expect(threads()).toBe(before);
    await expect(runner.run(heavyFeeds(), ['y'])).rejects.toMatchObject({ code: 'HEARTH_ERR_ORT_RUNNER_CLOSED' });
  });
});
