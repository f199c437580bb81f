import { ServerOptimizer } from '@hearth/algorithms';
import { DataKind, Dxo, EventType, FLComponent, HeaderKey, MetaKey, ReturnCode, Shareable, f64, isHearthError } from '@hearth/core';
import type { EventTypeValue, FLContext, JsonObject } from '@hearth/core';
import { WorkflowContextKey } from './context-keys.js';
import type { PushTaskRequest } from './controller-host.js';
import { WorkflowErrorCode } from './errors.js';
import { InMemorySnapshotStore } from './in-memory-snapshot-store.js';
import type { RoundSummary } from './round-summary.js';
import { ScatterAndGather, compileScatterAndGatherArgs } from './scatter-and-gather.js';
import type { ScatterAndGatherArgs } from './scatter-and-gather.js';
import { FakeHost } from './testing/fake-host.js';
import { MeanAggregator, MemoryPersistor, firstWeight } from './testing/toy-components.js';

/** Site -> (local optimum, number of local samples). */
const SITES: Record<string, { target: number; steps: number }> = { a: { target: 1, steps: 1 }, b: { target: 2, steps: 1 }, c: { target: 6, steps: 2 } };

/** One local step towards the site's optimum; reports the squared distance before the step as the loss. */
function train(request: PushTaskRequest): Shareable {
  const site = SITES[request.client]!;
  const w = firstWeight(request.data);
  const next = w + 0.5 * (site.target - w);
  return Shareable.fromDxo(
    new Dxo({
      kind: DataKind.WEIGHTS,
      params: new Map([['w', f64([1], [next])]]),
      meta: { [MetaKey.NUM_STEPS_CURRENT_ROUND]: site.steps, metrics: { loss: (w - site.target) ** 2, extra: 'ignored' } },
    }),
  );
}

class EventLog extends FLComponent {
  readonly seen: EventTypeValue[] = [];
  readonly summaries: RoundSummary[] = [];

  override handleEvent(type: EventTypeValue, ctx: FLContext): void {
    this.seen.push(type);
    if (type === EventType.ROUND_DONE) this.summaries.push(ctx.get<RoundSummary>(WorkflowContextKey.ROUND_SUMMARY)!);
  }
}

function setup(options: {
  readonly args?: ScatterAndGatherArgs;
  readonly reply?: (request: PushTaskRequest) => Shareable | undefined;
  readonly extra?: ReadonlyArray<[string, FLComponent]>;
}) {
  const persistor = new MemoryPersistor([0]);
  const log = new EventLog();
  const components = new Map<string, FLComponent>([
    ['aggregator', new MeanAggregator()],
    ['persistor', persistor],
    ['log', log],
    ...(options.extra ?? []),
  ]);
  const host = new FakeHost({ clients: Object.keys(SITES), components, reply: options.reply ?? train });
  const sag = host.attach(new ScatterAndGather({ minClients: 3, waitTimeAfterMinReceivedMs: 0, ...options.args }));
  sag.id = 'sag';
  const ctx = host.newContext();
  const run = async (): Promise<void> => {
    sag.start(ctx);
    await sag.run(ctx, new AbortController().signal);
  };
  return { host, sag, persistor, log, run, ctx };
}

/** Every client moves the model it got by `delta` and reports `metrics(round)`. */
function moveBy(delta: number, metrics: (round: number) => JsonObject = () => ({})) {
  return (request: PushTaskRequest): Shareable => {
    const round = request.data.numberHeader(HeaderKey.CURRENT_ROUND) ?? -1;
    const meta = { metrics: metrics(round) };
    return Shareable.fromDxo(new Dxo({ kind: DataKind.WEIGHTS, params: new Map([['w', f64([1], [firstWeight(request.data) + delta])]]), meta }));
  };
}

describe('ScatterAndGather', () => {
  it('converges FedAvg on a toy problem to the sample-weighted optimum', async () => {
    const { sag, run } = setup({ args: { numRounds: 20 } });
    await run();
    const w = sag.globalModel!.requireParams().get('w')!.data[0] as number;
    expect(w).toBeCloseTo((1 * 1 + 2 * 1 + 6 * 2) / 4, 4);
    expect(sag.history).toHaveLength(20);
  });

  it('broadcasts the round in headers and meta, and publishes weighted metrics per round', async () => {
    const { host, sag, log, run } = setup({ args: { numRounds: 2 } });
    await run();
    const first = host.pushed[0]!.data;
    expect(first.numberHeader(HeaderKey.CURRENT_ROUND)).toBe(0);
    expect(first.numberHeader(HeaderKey.NUM_ROUNDS)).toBe(2);
    expect(first.dxo!.meta[MetaKey.CURRENT_ROUND]).toBe(0);
    expect(host.pushed[3]!.data.numberHeader(HeaderKey.CURRENT_ROUND)).toBe(1);
    const round0 = sag.history[0]!;
    expect([...round0.clients].sort()).toEqual(['a', 'b', 'c']);
    expect(round0.metrics).toEqual({ loss: (1 * 1 + 4 * 1 + 36 * 2) / 4 });
    expect(log.summaries).toEqual(sag.history);
  });

  it('fires the round events in order and persists every round and at the end', async () => {
    const { log, persistor, run } = setup({ args: { numRounds: 2 } });
    await run();
    const contribution = [EventType.BEFORE_CONTRIBUTION_ACCEPT, EventType.AFTER_CONTRIBUTION_ACCEPT];
    const round = [
      EventType.ROUND_STARTED,
      ...contribution,
      ...contribution,
      ...contribution,
      EventType.BEFORE_AGGREGATION,
      EventType.AFTER_AGGREGATION,
      EventType.GLOBAL_WEIGHTS_UPDATED,
      EventType.ROUND_DONE,
    ];
    expect(log.seen).toEqual([EventType.INITIAL_MODEL_LOADED, ...round, ...round]);
    expect(persistor.saves.map((s) => s.tag)).toEqual(['last', 'last', 'final']);
  });

  it('gives the contribution events the result and whether the aggregator accepted it', async () => {
    class ContributionLog extends FLComponent {
      readonly seen: Array<{ readonly type: EventTypeValue; readonly kind: string | undefined; readonly accepted: unknown }> = [];
      override handleEvent(type: EventTypeValue, ctx: FLContext): void {
        if (type !== EventType.BEFORE_CONTRIBUTION_ACCEPT && type !== EventType.AFTER_CONTRIBUTION_ACCEPT) return;
        const result = ctx.get<Shareable>(WorkflowContextKey.TRAINING_RESULT);
        this.seen.push({ type, kind: result?.dxo?.kind, accepted: type === EventType.AFTER_CONTRIBUTION_ACCEPT ? ctx.get(WorkflowContextKey.AGGREGATION_ACCEPTED) : undefined });
      }
    }
    const contributions = new ContributionLog();
    const diff = (): Shareable => Shareable.fromDxo(new Dxo({ kind: DataKind.WEIGHT_DIFF, params: new Map([['w', f64([1], [1])]]) }));
    const reply = (request: PushTaskRequest): Shareable => (request.client === 'c' ? diff() : train(request));
    const { sag, run } = setup({ args: { numRounds: 1 }, reply, extra: [['contributions', contributions]] });
    await run();
    const after = contributions.seen.filter((e) => e.type === EventType.AFTER_CONTRIBUTION_ACCEPT);
    expect(contributions.seen.map((e) => e.type)).toEqual(Array.from({ length: 3 }, () => [EventType.BEFORE_CONTRIBUTION_ACCEPT, EventType.AFTER_CONTRIBUTION_ACCEPT]).flat());
    expect(after.map((e) => [e.kind, e.accepted]).sort()).toEqual([
      [DataKind.WEIGHTS, true],
      [DataKind.WEIGHTS, true],
      [DataKind.WEIGHT_DIFF, false],
    ]);
    expect([...sag.history[0]!.clients].sort()).toEqual(['a', 'b']);
  });

  it('fails the job on an error result by default, naming the site, the round and the error', async () => {
    const reply = (request: PushTaskRequest): Shareable =>
      request.client === 'c' ? Shareable.withReturnCode(ReturnCode.EXECUTION_EXCEPTION, 'out of memory') : train(request);
    const { sag, persistor, run } = setup({ args: { numRounds: 2 }, reply });
    const failure = run();
    await expect(failure).rejects.toMatchObject({ code: WorkflowErrorCode.RESULT_ERROR, context: { client: 'c', round: 0 } });
    await expect(failure).rejects.toThrow(/c returned an error result in round 0 \(EXECUTION_EXCEPTION: out of memory\)/);
    expect(sag.history).toHaveLength(0);
    expect(persistor.saves.map((s) => s.tag)).not.toContain('last');
  });

  it('with ignoreResultError, skips results with an error return code and aggregates the others', async () => {
    const reply = (request: PushTaskRequest): Shareable =>
      request.client === 'c' ? Shareable.withReturnCode(ReturnCode.EXECUTION_EXCEPTION, 'out of memory') : train(request);
    const { sag, run } = setup({ args: { numRounds: 1, ignoreResultError: true }, reply });
    await run();
    expect([...sag.history[0]!.clients].sort()).toEqual(['a', 'b']);
    expect(sag.globalModel!.requireParams().get('w')!.data[0]).toBeCloseTo(0.75, 10);
  });

  it('fails the round when no contribution is accepted', async () => {
    const { run } = setup({ args: { numRounds: 1, ignoreResultError: true }, reply: () => Shareable.withReturnCode(ReturnCode.EXECUTION_EXCEPTION) });
    await expect(run()).rejects.toMatchObject({ code: WorkflowErrorCode.NO_CONTRIBUTIONS });
  });

  it('rejects an ignoreResultError that is not a boolean', () => {
    expect(() => compileScatterAndGatherArgs({ ignoreResultError: 'yes' as unknown as boolean })).toThrow(/ignoreResultError must be true or false, got "yes"/);
  });

  it('applies WEIGHT_DIFF aggregates by adding them to the global model', async () => {
    class DiffAggregator extends MeanAggregator {
      override aggregate(): Shareable {
        const mean = super.aggregate();
        return Shareable.fromDxo(mean.dxo!.withParams(mean.dxo!.requireParams(), DataKind.WEIGHT_DIFF));
      }
    }
    const reply = (): Shareable => Shareable.fromDxo(new Dxo({ kind: DataKind.WEIGHTS, params: new Map([['w', f64([1], [0.5])]]) }));
    const { sag, run } = setup({ args: { numRounds: 3 }, reply, extra: [['aggregator', new DiffAggregator()]] });
    await run();
    expect(sag.globalModel!.requireParams().get('w')!.data[0]).toBe(1.5);
  });

  it('snapshots each round and a new instance resumes after the last snapshot', async () => {
    const store = new InMemorySnapshotStore();
    const first = setup({ args: { numRounds: 2, snapshotStoreId: 'snapshots' }, extra: [['snapshots', store]] });
    await first.run();
    const second = setup({ args: { numRounds: 4, snapshotStoreId: 'snapshots' }, extra: [['snapshots', store]] });
    await second.run();
    const rounds = second.host.pushed.map((r) => r.data.numberHeader(HeaderKey.CURRENT_ROUND));
    expect(rounds).toEqual([2, 2, 2, 3, 3, 3]);
    expect(second.sag.history.map((s) => s.round)).toEqual([0, 1, 2, 3]);
    expect(second.log.seen).not.toContain(EventType.INITIAL_MODEL_LOADED);
    const snapshot = await store.load({ jobId: 'job-1', workflowId: 'sag' });
    expect(snapshot?.round).toBe(3);
  });

  it('stops between rounds when the signal aborts, without the final save', async () => {
    const abort = new AbortController();
    const { sag, host, persistor, log } = setup({ args: { numRounds: 5 } });
    const record = log.handleEvent.bind(log);
    log.handleEvent = (type, ctx) => {
      record(type, ctx);
      if (type === EventType.ROUND_DONE && log.summaries.length === 2) abort.abort();
    };
    const ctx = host.newContext();
    sag.start(ctx);
    await sag.run(ctx, abort.signal);
    expect(sag.history).toHaveLength(2);
    expect(persistor.saves.map((s) => s.tag)).toEqual(['last', 'last']);
  });

  it('ends the round task as aborted when the signal aborts mid-round', async () => {
    const abort = new AbortController();
    const { sag, host, persistor } = setup({ args: { numRounds: 3 }, reply: () => undefined });
    const ctx = host.newContext();
    sag.start(ctx);
    const running = sag.run(ctx, abort.signal);
    await new Promise((resolve) => setImmediate(resolve));
    expect(host.pushed).toHaveLength(3);
    abort.abort();
    await running;
    expect(host.revoked).toHaveLength(3);
    expect(sag.history).toHaveLength(0);
    expect(persistor.saves).toHaveLength(0);
  });

  it('rejects bad arguments and missing or mistyped components with coded errors', () => {
    expect(() => new ScatterAndGather({ minClients: 0 })).toThrow(expect.objectContaining({ code: WorkflowErrorCode.INVALID_ARGS }));
    expect(() => new ScatterAndGather({ waitTimeAfterMinReceivedMs: -5 })).toThrow(expect.objectContaining({ code: WorkflowErrorCode.INVALID_ARGS }));
    const missing = setup({ args: { aggregatorId: 'nope' } });
    expect(() => missing.sag.start(missing.host.newContext())).toThrow(expect.objectContaining({ code: WorkflowErrorCode.COMPONENT_MISSING }));
    const wrong = setup({ args: { aggregatorId: 'log' } });
    let thrown: unknown;
    try {
      wrong.sag.start(wrong.host.newContext());
    } catch (err) {
      thrown = err;
    }
    expect(isHearthError(thrown, WorkflowErrorCode.COMPONENT_TYPE)).toBe(true);
  });

  describe('with a model updater (FedOpt)', () => {
    it('steps the global model with FedAvgM momentum: 0 → 1 → 2.9 when every client moves it by 1', async () => {
      // Δ = 1 each round, η = 1, β = 0.9: v = 1, x = 1; then v = 0.9 + 1 = 1.9, x = 2.9 (FedAvg: 2).
      const optimizer = new ServerOptimizer({ optimizer: 'sgd', momentum: 0.9 });
      const { sag, run } = setup({ args: { numRounds: 2, modelUpdaterId: 'optimizer' }, reply: moveBy(1), extra: [['optimizer', optimizer]] });
      await run();
      expect(firstWeight(Shareable.fromDxo(sag.globalModel!))).toBeCloseTo(2.9, 12);
    });

    it('keeps the optimizer state in the snapshot, so a resumed FedAdam run ends bit for bit where a straight one does', async () => {
      const adam = () => new ServerOptimizer({ optimizer: 'adam', learningRate: 0.1 });
      const straight = setup({ args: { numRounds: 4, modelUpdaterId: 'optimizer' }, extra: [['optimizer', adam()]] });
      await straight.run();
      const store = new InMemorySnapshotStore();
      const args = { modelUpdaterId: 'optimizer', snapshotStoreId: 'snapshots' };
      const first = setup({ args: { ...args, numRounds: 2 }, extra: [['optimizer', adam()], ['snapshots', store]] });
      await first.run();
      const snapshot = await store.load({ jobId: 'job-1', workflowId: 'sag' });
      expect(Object.keys(snapshot?.state ?? {})).toEqual(['model_updater']);
      expect([...(snapshot?.state?.['model_updater']?.keys() ?? [])]).toEqual(['m:w', 'v:w']);
      const resumed = setup({ args: { ...args, numRounds: 4 }, extra: [['optimizer', adam()], ['snapshots', store]] });
      await resumed.run();
      expect(resumed.host.pushed.map((r) => r.data.numberHeader(HeaderKey.CURRENT_ROUND))).toEqual([2, 2, 2, 3, 3, 3]);
      expect(resumed.sag.globalModel!.requireParams().get('w')!.data).toEqual(straight.sag.globalModel!.requireParams().get('w')!.data);
      const fresh = setup({ args: { ...args, numRounds: 4 }, extra: [['optimizer', adam()], ['snapshots', new InMemorySnapshotStore()]] });
      await fresh.run();
      expect(firstWeight(Shareable.fromDxo(fresh.sag.globalModel!))).toBe(firstWeight(Shareable.fromDxo(straight.sag.globalModel!)));
    });

    it('refuses a missing or mistyped model updater', () => {
      const missing = setup({ args: { modelUpdaterId: 'nope' } });
      expect(() => missing.sag.start(missing.host.newContext())).toThrow(expect.objectContaining({ code: WorkflowErrorCode.COMPONENT_MISSING }));
      const wrong = setup({ args: { modelUpdaterId: 'log' } });
      expect(() => wrong.sag.start(wrong.host.newContext())).toThrow(expect.objectContaining({ code: WorkflowErrorCode.COMPONENT_TYPE }));
    });
  });

  describe('best model', () => {
    const accuracy = [0.5, 0.7, 0.6, 0.8];

    it('saves the model the clients evaluated as `best` whenever the metric improves, and marks those rounds', async () => {
      // Models sent: round r carries w = r (each round adds 1). val_acc per round 0.5, 0.7, 0.6, 0.8:
      // rounds 0, 1 and 3 improve, so `best` is saved with w = 0, 1 and 3.
      const reply = moveBy(1, (round) => ({ val_acc: accuracy[round] ?? 0 }));
      const { sag, persistor, run } = setup({ args: { numRounds: 4, bestMetric: 'val_acc' }, reply });
      await run();
      expect(persistor.saves).toEqual([
        { tag: 'best', w: 0 },
        { tag: 'last', w: 1 },
        { tag: 'best', w: 1 },
        { tag: 'last', w: 2 },
        { tag: 'last', w: 3 },
        { tag: 'best', w: 3 },
        { tag: 'last', w: 4 },
        { tag: 'final', w: 4 },
      ]);
      expect(sag.history.map((s) => s.best ?? false)).toEqual([true, true, false, true]);
      expect(sag.bestRound).toEqual({ round: 3, metric: 'val_acc', value: expect.closeTo(0.8, 12) });
    });

    it('takes a smaller value as better in min mode and ignores rounds without the metric', async () => {
      const loss = [2, 3, 1];
      const reply = moveBy(1, (round): JsonObject => (round === 1 ? {} : { val_loss: loss[round] ?? 0 }));
      const { sag, persistor, run } = setup({ args: { numRounds: 3, bestMetric: 'val_loss', bestMode: 'min' }, reply });
      await run();
      expect(persistor.saves.filter((s) => s.tag === 'best')).toEqual([
        { tag: 'best', w: 0 },
        { tag: 'best', w: 2 },
      ]);
      expect(sag.history.map((s) => s.best ?? false)).toEqual([true, false, true]);
    });

    it('remembers the best round across a resume', async () => {
      const store = new InMemorySnapshotStore();
      const reply = moveBy(1, (round) => ({ val_acc: accuracy[round] ?? 0 }));
      const args = { bestMetric: 'val_acc', snapshotStoreId: 'snapshots' };
      await setup({ args: { ...args, numRounds: 2 }, reply, extra: [['snapshots', store]] }).run();
      const resumed = setup({ args: { ...args, numRounds: 3 }, reply, extra: [['snapshots', store]] });
      await resumed.run();
      expect(resumed.sag.bestRound).toEqual({ round: 1, metric: 'val_acc', value: expect.closeTo(0.7, 12) });
      expect(resumed.persistor.saves.map((s) => s.tag)).toEqual(['last', 'final']);
    });

    it('refuses an unknown best mode', () => {
      expect(() => new ScatterAndGather({ bestMode: 'largest' as never })).toThrow("ScatterAndGather: bestMode must be 'max' or 'min', got \"largest\"");
    });
  });

  it('leaves the final model in the run context for the next workflow', async () => {
    const { sag, run, ctx } = setup({ args: { numRounds: 2 } });
    await run();
    expect(ctx.get(WorkflowContextKey.GLOBAL_MODEL)).toBe(sag.globalModel);
  });
});
