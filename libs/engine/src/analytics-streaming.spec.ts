import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Executor, HeaderKey, Shareable } from '@hearth/core';
import type { FLComponent, FLContext } from '@hearth/core';
import { ScatterAndGather } from '@hearth/workflow';
import type { AnalyticsBatch } from './analytics-batch.js';
import { ClientEngine } from './client-engine.js';
import { EngineContextKey } from './context-keys.js';
import { EngineEventType } from './engine-event-type.js';
import { InProcServerTransport } from './inproc-transport.js';
import { metricsLineProblem } from './metrics-line.js';
import type { MetricsLine } from './metrics-line.js';
import { MetricsWriter } from './metrics-writer.js';
import { RunStatus } from './run-outcome.js';
import { ServerEngine } from './server-engine.js';
import { Simulator } from './simulator.js';
import { cloneCodec } from './testing/clone-codec.js';
import { MeanAggregator, MemoryPersistor, firstWeight, weights } from './testing/toy-components.js';

/** Streams `count` points of `train_loss`, numbered on from the task's round, without yielding in between. */
class StreamingTrainer extends Executor {
  constructor(readonly count: number) {
    super();
  }

  execute(_taskName: string, data: Shareable, ctx: FLContext): Promise<Shareable> {
    const round = data.numberHeader(HeaderKey.CURRENT_ROUND) ?? 0;
    for (let i = 0; i < this.count; i++) ctx.engine.sendAnalytics?.({ key: 'train_loss', value: 1 / (i + 1), step: round * this.count + i }, ctx);
    return Promise.resolve(Shareable.fromDxo(weights(firstWeight(data) + 1)));
  }
}

async function readLines(file: string): Promise<MetricsLine[]> {
  const text = await readFile(file, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .trimEnd()
    .split('\n')
    .map((line) => {
      const parsed: unknown = JSON.parse(line);
      expect(metricsLineProblem(parsed)).toBeUndefined();
      return parsed as MetricsLine;
    });
}

let workspace: string;
beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'hearth-analytics-'));
});
afterEach(() => rm(workspace, { recursive: true, force: true }));

describe('analytics streaming', () => {
  it('a client streaming 1,000 points into a full buffer drops the oldest 850 and the server learns the count', async () => {
    const transport = new InProcServerTransport({ codec: cloneCodec() });
    const writer = new MetricsWriter();
    const server = new ServerEngine({
      app: { components: new Map([['writer', writer]]), workflows: [], taskDataFilters: [], taskResultFilters: [] },
      transport,
      jobId: 'job',
      workspaceDir: join(workspace, 'server'),
    });
    const batches: AnalyticsBatch[] = [];
    server.subscribe((event) => {
      if (event.type !== EngineEventType.ANALYTICS_RECEIVED) return;
      expect(event.ctx.get(EngineContextKey.PEER_SITE)).toBe('site-1');
      batches.push(event.ctx.get<AnalyticsBatch>(EngineContextKey.ANALYTICS)!);
    });
    const client = new ClientEngine({
      site: 'site-1',
      jobId: 'job',
      app: { components: new Map(), executors: [{ tasks: ['train'], executor: new StreamingTrainer(1000) }], taskDataFilters: [], taskResultFilters: [] },
      transport: transport.connect('site-1'),
      workspaceDir: join(workspace, 'site-1'),
      analytics: { capacity: 100, batchSize: 50 },
    });
    await client.start();
    await client.handleTask({ taskName: 'train', taskId: 't1', data: Shareable.fromDxo(weights(0), { [HeaderKey.CURRENT_ROUND]: 0 }) });
    expect(client.analyticsStats).toEqual({ sent: 150, dropped: 850, failed: 0, buffered: 0 });
    await client.close();
    expect((await server.run()).status).toBe(RunStatus.COMPLETED);

    expect(batches.map((b) => [b.site, b.round, b.points.length, b.dropped])).toEqual([
      ['site-1', 0, 50, 0],
      ['site-1', 0, 50, 850],
      ['site-1', 0, 50, 0],
    ]);
    const lines = await readLines(join(workspace, 'server/metrics/site-1.jsonl'));
    const expectedSteps = [...Array.from({ length: 50 }, (_, i) => i), ...Array.from({ length: 100 }, (_, i) => 900 + i)];
    expect(lines.map((l) => l.step)).toEqual(expectedSteps);
    expect(lines[0]).toEqual({ site: 'site-1', round: 0, step: 0, key: 'train_loss', value: 1, time: expect.any(Number) as unknown });
    expect(lines.every((l) => l.site === 'site-1' && l.round === 0 && l.key === 'train_loss')).toBe(true);
  });

  it('drops analytics that reach the server after its run ended', async () => {
    const transport = new InProcServerTransport({ codec: cloneCodec() });
    const server = new ServerEngine({
      app: { components: new Map(), workflows: [], taskDataFilters: [], taskResultFilters: [] },
      transport,
      jobId: 'job',
      workspaceDir: workspace,
    });
    const seen: string[] = [];
    server.subscribe((event) => seen.push(event.type));
    const site = transport.connect('site-1');
    await site.join();
    await site.sendAnalytics({ points: [{ key: 'k', value: 1, step: 0, round: null, time: 1 }], dropped: 0 });
    await server.run();
    await site.sendAnalytics({ points: [{ key: 'k', value: 2, step: 1, round: null, time: 2 }], dropped: 0 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen.filter((type) => type === EngineEventType.ANALYTICS_RECEIVED)).toHaveLength(1);
    expect(seen.indexOf(EngineEventType.ANALYTICS_RECEIVED)).toBeLessThan(seen.indexOf('end_run'));
  });

  it('in the simulator, every point of every round reaches the file of its site before the run ends', async () => {
    const sag = new ScatterAndGather({ minClients: 3, numRounds: 4, waitTimeAfterMinReceivedMs: 0 });
    sag.id = 'sag';
    const components = new Map<string, FLComponent>([
      ['aggregator', new MeanAggregator()],
      ['persistor', new MemoryPersistor(0)],
      ['sag', sag],
      ['writer', new MetricsWriter({ dir: 'streams' })],
    ]);
    const simulator = new Simulator({
      clients: ['site-1', 'site-2', 'site-3'],
      threads: 2,
      serverApp: { components, workflows: [sag], taskDataFilters: [], taskResultFilters: [] },
      clientAppFactory: () => ({ components: new Map(), executors: [{ tasks: ['train'], executor: new StreamingTrainer(5) }], taskDataFilters: [], taskResultFilters: [] }),
      codec: cloneCodec(),
      workspaceDir: workspace,
    });
    expect((await simulator.run()).status).toBe(RunStatus.COMPLETED);
    for (const site of ['site-1', 'site-2', 'site-3']) {
      const lines = await readLines(join(workspace, 'server/streams', `${site}.jsonl`));
      expect(lines.map((l) => l.step)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(lines.map((l) => l.round)).toEqual(Array.from({ length: 20 }, (_, i) => Math.floor(i / 5)));
      expect(lines.every((l) => l.site === site)).toBe(true);
    }
  });
});
