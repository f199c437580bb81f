import { ServerOptimizer, WeightedAggregator } from '@hearth/algorithms';
import { DataKind, Dxo, HeaderKey, MetaKey, Shareable, f64 } from '@hearth/core';
import type { FLComponent, JsonObject, ParamMap } from '@hearth/core';
import type { PushTaskRequest } from './controller-host.js';
import { WorkflowErrorCode } from './errors.js';
import { InMemorySnapshotStore } from './in-memory-snapshot-store.js';
import { ScaffoldKey } from './scaffold-key.js';
import { ScatterAndGatherScaffold } from './scatter-and-gather-scaffold.js';
import type { ScatterAndGatherScaffoldArgs } from './scatter-and-gather-scaffold.js';
import { FakeHost } from './testing/fake-host.js';
import { MemoryPersistor } from './testing/toy-components.js';

const w = (value: number): ParamMap => new Map([['w', f64([1], [value])]]);

function item(data: Shareable, name: string): Dxo {
  const found = data.dxo?.items?.get(name);
  if (found === undefined) throw new Error(`task data has no item ${name}`);
  return found;
}

function valueOf(dxo: Dxo): number {
  return dxo.requireParams().get('w')!.data[0] as number;
}

/** A SCAFFOLD client reply: COLLECTION { model: WEIGHT_DIFF Δy, scaffold_c_diff: WEIGHTS Δc }, as the engine stamps it. */
function scaffoldReply(request: PushTaskRequest, parts: { dy: number; dc: number; meta?: JsonObject; modelMeta?: JsonObject }): Shareable {
  const items = new Map([
    [ScaffoldKey.MODEL, new Dxo({ kind: DataKind.WEIGHT_DIFF, params: w(parts.dy), meta: parts.modelMeta ?? {} })],
    [ScaffoldKey.CONTROL_DIFF, new Dxo({ kind: DataKind.WEIGHTS, params: w(parts.dc) })],
  ]);
  return Shareable.fromDxo(new Dxo({ kind: DataKind.COLLECTION, items, meta: parts.meta ?? {} }), {
    [HeaderKey.SITE_NAME]: request.client,
    [HeaderKey.CURRENT_ROUND]: request.data.numberHeader(HeaderKey.CURRENT_ROUND) ?? -1,
  });
}

function setup(options: {
  readonly args?: ScatterAndGatherScaffoldArgs;
  readonly reply: (request: PushTaskRequest) => Shareable | undefined;
  readonly extra?: ReadonlyArray<[string, FLComponent]>;
}) {
  const persistor = new MemoryPersistor([0]);
  const components = new Map<string, FLComponent>([
    ['aggregator', new WeightedAggregator({ expectedDataKind: DataKind.WEIGHT_DIFF })],
    ['persistor', persistor],
    ...(options.extra ?? []),
  ]);
  const host = new FakeHost({ clients: ['a', 'b', 'c'], components, reply: options.reply });
  const scaffold = host.attach(new ScatterAndGatherScaffold({ minClients: 2, waitTimeAfterMinReceivedMs: 0, numRounds: 1, ...options.args }));
  scaffold.id = 'scaffold';
  const run = async (): Promise<void> => {
    const ctx = host.newContext();
    scaffold.start(ctx);
    await scaffold.run(ctx, new AbortController().signal);
  };
  return { host, scaffold, persistor, run };
}

describe('ScatterAndGatherScaffold', () => {
  it('sends the model and c as a COLLECTION, starting c at zero', async () => {
    const { host, run } = setup({ reply: (request) => scaffoldReply(request, { dy: 1, dc: 1 }) });
    await run();
    const data = host.pushed[0]!.data;
    expect(data.dxo?.kind).toBe(DataKind.COLLECTION);
    expect([...(data.dxo?.items?.keys() ?? [])]).toEqual([ScaffoldKey.MODEL, ScaffoldKey.CONTROL_GLOBAL]);
    const model = item(data, ScaffoldKey.MODEL);
    expect(model.kind).toBe(DataKind.WEIGHTS);
    expect(model.meta).toMatchObject({ [MetaKey.CURRENT_ROUND]: 0, [MetaKey.TOTAL_ROUNDS]: 1 });
    expect(item(data, ScaffoldKey.CONTROL_GLOBAL).kind).toBe(DataKind.WEIGHTS);
    expect(valueOf(item(data, ScaffoldKey.CONTROL_GLOBAL))).toBe(0);
    expect(data.numberHeader(HeaderKey.CURRENT_ROUND)).toBe(0);
  });

  it('updates x and c by hand with 2 of 3 clients answering: c ← c + (|S|/N) mean(Δc), x ← x + η_g mean(Δy)', async () => {
    // Round 0: a answers Δy = 1, Δc = 0.3; b answers Δy = 3, Δc = 0.9; c never answers (N = 3, |S| = 2).
    // c = 0 + (2/3) · 0.6 = 0.4; x = 0 + 0.5 · 2 = 1. Round 1 sends x = 1, c = 0.4;
    // then Δc = 0.3 and 0.9 again: c = 0.4 + 0.4 = 0.8; x = 1 + 0.5 · 2 = 2.
    const answers: Record<string, { dy: number; dc: number } | undefined> = { a: { dy: 1, dc: 0.3 }, b: { dy: 3, dc: 0.9 }, c: undefined };
    const reply = (request: PushTaskRequest): Shareable | undefined => {
      const answer = answers[request.client];
      return answer === undefined ? undefined : scaffoldReply(request, answer);
    };
    const { host, scaffold, run } = setup({ args: { numRounds: 2, globalLearningRate: 0.5 }, reply });
    await run();
    const round1 = host.pushed.filter((r) => r.data.numberHeader(HeaderKey.CURRENT_ROUND) === 1)[0]!.data;
    expect(valueOf(item(round1, ScaffoldKey.MODEL))).toBeCloseTo(1, 12);
    expect(valueOf(item(round1, ScaffoldKey.CONTROL_GLOBAL))).toBeCloseTo(0.4, 12);
    expect(scaffold.controlVariate!.get('w')!.data[0]).toBeCloseTo(0.8, 12);
    expect(valueOf(scaffold.globalModel!)).toBeCloseTo(2, 12);
    expect(scaffold.history.map((s) => [...s.clients].sort())).toEqual([['a', 'b'], ['a', 'b']]);
    expect(host.revoked.map((r) => r.client)).toEqual(['c', 'c']);
  });

  it('counts a contribution for neither sum when its c update does not fit or it is not a COLLECTION', async () => {
    // Only a's contribution counts: x = 0 + 1 · 2 = 2, c = 0 + 0.6 / 3 = 0.2.
    const reply = (request: PushTaskRequest): Shareable => {
      if (request.client === 'a') return scaffoldReply(request, { dy: 2, dc: 0.6 });
      if (request.client === 'b') {
        const bad = scaffoldReply(request, { dy: 100, dc: 100 });
        const items = new Map(bad.dxo!.items!);
        items.set(ScaffoldKey.CONTROL_DIFF, new Dxo({ kind: DataKind.WEIGHTS, params: new Map([['w', f64([2], [1, 1])]]) }));
        return new Shareable({ headers: bad.headers, dxo: new Dxo({ kind: DataKind.COLLECTION, items }) });
      }
      return Shareable.fromDxo(new Dxo({ kind: DataKind.WEIGHT_DIFF, params: w(100) }), { [HeaderKey.SITE_NAME]: 'c', [HeaderKey.CURRENT_ROUND]: 0 });
    };
    const { scaffold, run } = setup({ args: { minClients: 1, waitTimeAfterMinReceivedMs: 1000 }, reply });
    await run();
    expect(scaffold.history[0]!.clients).toEqual(['a']);
    expect(valueOf(scaffold.globalModel!)).toBeCloseTo(2, 12);
    expect(scaffold.controlVariate!.get('w')!.data[0]).toBeCloseTo(0.2, 12);
  });

  it('reads NUM_STEPS_CURRENT_ROUND and metrics from the collection or the model item, the item winning', async () => {
    // a: weight 3 (on the collection), Δy = 0; b and c: weight 1 (the item overrides the collection's 5), Δy = 4.
    // x = (3 · 0 + 4 + 4) / 5 = 1.6; loss = (3 · 1 + 5 + 5) / 5.
    const reply = (request: PushTaskRequest): Shareable =>
      request.client === 'a'
        ? scaffoldReply(request, { dy: 0, dc: 0, meta: { [MetaKey.NUM_STEPS_CURRENT_ROUND]: 3, metrics: { loss: 1 } } })
        : scaffoldReply(request, { dy: 4, dc: 0, meta: { [MetaKey.NUM_STEPS_CURRENT_ROUND]: 5 }, modelMeta: { [MetaKey.NUM_STEPS_CURRENT_ROUND]: 1, metrics: { loss: 5 } } });
    const { scaffold, run } = setup({ args: { minClients: 3 }, reply });
    await run();
    expect(valueOf(scaffold.globalModel!)).toBeCloseTo(1.6, 12);
    expect(scaffold.history[0]!.metrics).toEqual({ loss: (1 * 3 + 5 * 1 + 5 * 1) / 5 });
  });

  it('keeps c in the snapshot, so a resumed run sends the c it had reached', async () => {
    const store = new InMemorySnapshotStore();
    const reply = (request: PushTaskRequest): Shareable => scaffoldReply(request, { dy: 1, dc: 0.3 });
    const args = { minClients: 3, snapshotStoreId: 'snapshots' };
    await setup({ args: { ...args, numRounds: 1 }, reply, extra: [['snapshots', store]] }).run();
    const snapshot = await store.load({ jobId: 'job-1', workflowId: 'scaffold' });
    expect(Object.keys(snapshot?.state ?? {})).toEqual([ScaffoldKey.CONTROL_GLOBAL]);
    const resumed = setup({ args: { ...args, numRounds: 2 }, reply, extra: [['snapshots', store]] });
    await resumed.run();
    const sent = resumed.host.pushed[0]!.data;
    expect(sent.numberHeader(HeaderKey.CURRENT_ROUND)).toBe(1);
    expect(valueOf(item(sent, ScaffoldKey.CONTROL_GLOBAL))).toBeCloseTo(0.3, 12);
    expect(valueOf(item(sent, ScaffoldKey.MODEL))).toBeCloseTo(1, 12);
    expect(resumed.scaffold.controlVariate!.get('w')!.data[0]).toBeCloseTo(0.6, 12);
  });

  it('lets a model updater make the model step instead of η_g', async () => {
    // FedAvgM with β = 0.5 and Δy = 1 every round: x = 1, then 1 + 1.5 = 2.5.
    const reply = (request: PushTaskRequest): Shareable => scaffoldReply(request, { dy: 1, dc: 0 });
    const optimizer = new ServerOptimizer({ optimizer: 'sgd', momentum: 0.5 });
    const { scaffold, run } = setup({ args: { minClients: 3, numRounds: 2, modelUpdaterId: 'optimizer', globalLearningRate: 0.1 }, reply, extra: [['optimizer', optimizer]] });
    await run();
    expect(valueOf(scaffold.globalModel!)).toBeCloseTo(2.5, 12);
  });

  it('refuses a global learning rate that is not positive', () => {
    expect(() => new ScatterAndGatherScaffold({ globalLearningRate: 0 })).toThrow(
      expect.objectContaining({ code: WorkflowErrorCode.INVALID_ARGS, message: 'ScatterAndGatherScaffold: globalLearningRate must be a finite number > 0, got 0' }),
    );
  });
});
