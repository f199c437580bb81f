import { DataKind, Dxo, EventType, FLComponent, HeaderKey, MetaKey, ReturnCode, Shareable, f64, isHearthError } from '@hearth/core';
import type { EventTypeValue, FLContext } from '@hearth/core';
import { WorkflowContextKey } from './context-keys.js';
import type { PushTaskRequest } from './controller-host.js';
import { WorkflowErrorCode } from './errors.js';
import { InMemorySnapshotStore } from './in-memory-snapshot-store.js';
import type { RoundSummary } from './round-summary.js';
import { ScatterAndGather } from './scatter-and-gather.js';
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
  return { host, sag, persistor, log, run };
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
    const round = [EventType.ROUND_STARTED, EventType.BEFORE_AGGREGATION, EventType.AFTER_AGGREGATION, EventType.GLOBAL_WEIGHTS_UPDATED, EventType.ROUND_DONE];
    expect(log.seen).toEqual([EventType.INITIAL_MODEL_LOADED, ...round, ...round]);
    expect(persistor.saves.map((s) => s.tag)).toEqual(['last', 'last', 'final']);
  });

  it('skips results with an error return code and aggregates the others', async () => {
    const reply = (request: PushTaskRequest): Shareable =>
      request.client === 'c' ? Shareable.withReturnCode(ReturnCode.EXECUTION_EXCEPTION, 'out of memory') : train(request);
    const { sag, run } = setup({ args: { numRounds: 1 }, reply });
    await run();
    expect([...sag.history[0]!.clients].sort()).toEqual(['a', 'b']);
    expect(sag.globalModel!.requireParams().get('w')!.data[0]).toBeCloseTo(0.75, 10);
  });

  it('fails the round when no contribution is accepted', async () => {
    const { run } = setup({ args: { numRounds: 1 }, reply: () => Shareable.withReturnCode(ReturnCode.EXECUTION_EXCEPTION) });
    await expect(run()).rejects.toMatchObject({ code: WorkflowErrorCode.NO_CONTRIBUTIONS });
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
});
