import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { EventType, createLogger } from '@hearth/core';
import type { AnalyticsBatch } from './analytics-batch.js';
import type { AnalyticsRecord } from './analytics-message.js';
import { EngineContextKey } from './context-keys.js';
import { EngineEventType } from './engine-event-type.js';
import { InProcServerTransport } from './inproc-transport.js';
import { metricsFileName } from './metrics-line.js';
import { MetricsWriter } from './metrics-writer.js';
import type { MetricsWriterOptions } from './metrics-writer.js';
import { ServerEngine } from './server-engine.js';
import { cloneCodec } from './testing/clone-codec.js';

const point = (step: number): AnalyticsRecord => ({ key: 'loss', value: step * 0.5, step, round: 1, time: 1700000000000 + step });

function serverWith(options: MetricsWriterOptions & { readonly workspaceDir: string }) {
  const logged: string[] = [];
  const destination = new PassThrough();
  destination.on('data', (chunk: Buffer) => logged.push(chunk.toString()));
  const server = new ServerEngine({
    app: { components: new Map([['writer', new MetricsWriter(options)]]), workflows: [], taskDataFilters: [], taskResultFilters: [] },
    transport: new InProcServerTransport({ codec: cloneCodec() }),
    jobId: 'job',
    workspaceDir: options.workspaceDir,
    logger: createLogger({ name: 'test', level: 'error', destination }),
  });
  const receive = (batch: AnalyticsBatch): Promise<void> => {
    const ctx = server.newContext();
    ctx.set(EngineContextKey.ANALYTICS, batch);
    return server.fireEvent(EngineEventType.ANALYTICS_RECEIVED, ctx);
  };
  const endRun = (): Promise<void> => server.fireEvent(EventType.END_RUN, server.newContext());
  return { receive, endRun, logged };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-writer-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('MetricsWriter', () => {
  it('appends one JSON line per point to <dir>/<site>.jsonl and starts each file afresh per run', async () => {
    const { receive, endRun } = serverWith({ workspaceDir: dir, dir: 'm' });
    await receive({ site: 'site-1', round: 1, points: [point(0), point(1)], dropped: 0 });
    await receive({ site: 'site-2', round: 1, points: [point(0)], dropped: 0 });
    await receive({ site: 'site-1', round: 1, points: [point(2)], dropped: 0 });
    await receive({ site: 'site-1', round: null, points: [], dropped: 4 });
    await endRun();
    const site1 = (await readFile(join(dir, 'm/site-1.jsonl'), 'utf8')).split('\n');
    expect(site1).toEqual([
      '{"site":"site-1","round":1,"step":0,"key":"loss","value":0,"time":1700000000000}',
      '{"site":"site-1","round":1,"step":1,"key":"loss","value":0.5,"time":1700000000001}',
      '{"site":"site-1","round":1,"step":2,"key":"loss","value":1,"time":1700000000002}',
      '',
    ]);
    expect((await readFile(join(dir, 'm/site-2.jsonl'), 'utf8')).split('\n')).toHaveLength(2);

    const second = serverWith({ workspaceDir: dir, dir: 'm' });
    await second.receive({ site: 'site-1', round: 0, points: [point(9)], dropped: 0 });
    await second.endRun();
    expect((await readFile(join(dir, 'm/site-1.jsonl'), 'utf8')).trimEnd().split('\n')).toHaveLength(1);
  });

  it('names files by the percent-encoded site, so no site name leaves the folder', async () => {
    const { receive, endRun } = serverWith({ workspaceDir: dir });
    await receive({ site: '../evil/x', round: 0, points: [point(0)], dropped: 0 });
    await endRun();
    expect(metricsFileName('../evil/x')).toBe('..%2Fevil%2Fx.jsonl');
    expect(await readdir(join(dir, 'metrics'))).toEqual(['..%2Fevil%2Fx.jsonl']);
  });

  it('logs a failed write and keeps going', async () => {
    const blocked = join(dir, 'file');
    await writeFile(blocked, 'not a folder');
    const { receive, endRun, logged } = serverWith({ workspaceDir: blocked });
    await receive({ site: 'site-1', round: 0, points: [point(0)], dropped: 0 });
    await endRun();
    expect(logged.join('')).toContain('could not write the metrics stream');
  });
});
