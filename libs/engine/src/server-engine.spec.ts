import { EventType, Executor, FLComponent, Filter, ReturnCode, Shareable, TaskCompletionStatus } from '@hearth/core';
import type { EventTypeValue, FLContext, TaskCompletionStatusValue } from '@hearth/core';
import { Controller, ScatterAndGather, WorkflowContextKey, createTask } from '@hearth/workflow';
import type { ControllerTask, RoundSummary } from '@hearth/workflow';
import type { ClientApp } from './client-app.js';
import { ClientEngine } from './client-engine.js';
import type { EngineEvent } from './engine-event.js';
import { EngineErrorCode } from './errors.js';
import type { FilterBinding } from './filter-binding.js';
import { InProcServerTransport } from './inproc-transport.js';
import { RunStatus } from './run-outcome.js';
import type { ServerApp } from './server-app.js';
import { ServerEngine } from './server-engine.js';
import { cloneCodec } from './testing/clone-codec.js';
import { MeanAggregator, MemoryPersistor, TowardsTarget, TrailFilter, deferred, flush, weights } from './testing/toy-components.js';

/** Sends one task per `steps` entry and records how each ended and what came back. */
class ScriptedController extends Controller {
  readonly statuses: TaskCompletionStatusValue[] = [];
  readonly results: Shareable[] = [];
  readonly tasks: ControllerTask[] = [];

  constructor(private readonly steps: ReadonlyArray<{ name: string; targets: string[]; timeoutMs?: number }>) {
    super();
  }

  override async run(_ctx: FLContext, signal: AbortSignal): Promise<void> {
    for (const step of this.steps) {
      const task = createTask({
        name: step.name,
        data: Shareable.fromDxo(weights(1)),
        timeoutMs: step.timeoutMs,
        resultReceived: (ct) => this.results.push(ct.result!),
      });
      this.tasks.push(task);
      this.statuses.push(await this.broadcastAndWait(task, { targets: step.targets, minResponses: 0, signal }));
    }
  }
}

class Waiting extends Executor {
  readonly started = deferred();
  aborted = false;

  execute(_name: string, _data: Shareable, _ctx: FLContext, signal: AbortSignal): Promise<Shareable> {
    this.started.resolve();
    return new Promise((_resolve, reject) => {
      signal.addEventListener('abort', () => {
        this.aborted = true;
        reject(new Error('aborted'));
      });
    });
  }
}

class EchoExecutor extends Executor {
  execute(_name: string, data: Shareable): Promise<Shareable> {
    const result = Shareable.fromDxo(data.dxo!);
    result.headers['trail'] = data.headers['trail'] ?? [];
    return Promise.resolve(result);
  }
}

interface Deployment {
  readonly server: ServerEngine;
  readonly transport: InProcServerTransport;
  readonly clients: ClientEngine[];
  readonly events: EngineEvent[];
  close(): Promise<void>;
}

async function deploy(serverApp: ServerApp, clientApps: Record<string, ClientApp>): Promise<Deployment> {
  const transport = new InProcServerTransport({ codec: cloneCodec() });
  const server = new ServerEngine({ app: serverApp, transport, jobId: 'job-1', workspaceDir: '/tmp/hearth/server' });
  const events: EngineEvent[] = [];
  server.subscribe((e) => events.push(e));
  const clients = Object.entries(clientApps).map(
    ([site, app]) => new ClientEngine({ site, jobId: 'job-1', app, transport: transport.connect(site), workspaceDir: `/tmp/hearth/${site}` }),
  );
  for (const client of clients) client.subscribe((e) => events.push(e));
  await Promise.all(clients.map((c) => c.start()));
  await flush();
  return {
    server,
    transport,
    clients,
    events,
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
      await transport.close();
    },
  };
}

const serverApp = (workflows: Controller[], extra: Partial<ServerApp> = {}): ServerApp => ({
  components: new Map<string, FLComponent>(workflows.map((w, i) => [`wf-${i}`, w])),
  workflows,
  taskDataFilters: [],
  taskResultFilters: [],
  ...extra,
});

const clientApp = (executor: Executor, filters: { data?: FilterBinding[]; result?: FilterBinding[] } = {}): ClientApp => ({
  components: new Map(),
  executors: [{ tasks: ['*'], executor }],
  taskDataFilters: filters.data ?? [],
  taskResultFilters: filters.result ?? [],
});

it.each([0, 1.5, Number.NaN])('rejects an analyticsCapacity of %p', (analyticsCapacity) => {
  const app: ServerApp = { components: new Map(), workflows: [], taskDataFilters: [], taskResultFilters: [] };
  const options = { app, transport: new InProcServerTransport({ codec: cloneCodec() }), jobId: 'job-1', workspaceDir: '/tmp/hearth/server', analyticsCapacity };
  expect(() => new ServerEngine(options)).toThrow(expect.objectContaining({ code: EngineErrorCode.INVALID_OPTIONS }));
});

describe('ServerEngine over the in-process transport', () => {
  it('runs ScatterAndGather to convergence with real client engines', async () => {
    const sag = new ScatterAndGather({ minClients: 3, numRounds: 25, waitTimeAfterMinReceivedMs: 0 });
    sag.id = 'sag';
    const persistor = new MemoryPersistor(0);
    const app: ServerApp = {
      components: new Map<string, FLComponent>([
        ['aggregator', new MeanAggregator()],
        ['persistor', persistor],
        ['sag', sag],
      ]),
      workflows: [sag],
      taskDataFilters: [],
      taskResultFilters: [],
    };
    const d = await deploy(app, {
      a: clientApp(new TowardsTarget(1)),
      b: clientApp(new TowardsTarget(2)),
      c: clientApp(new TowardsTarget(6, 2)),
    });
    await expect(d.server.run()).resolves.toEqual({ status: RunStatus.COMPLETED });
    expect(persistor.saves.at(-1)).toEqual({ tag: 'final', w: expect.closeTo(3.75, 4) });
    const done = d.events.filter((e) => e.site === 'server' && e.type === EventType.ROUND_DONE);
    expect(done).toHaveLength(25);
    expect(done[0]!.ctx.get<RoundSummary>(WorkflowContextKey.ROUND_SUMMARY)).toEqual(sag.history[0]);
    await d.close();
  });

  it('applies server and client filter chains in order, scoped to task names', async () => {
    const controller = new ScriptedController([
      { name: 'train', targets: ['a'] },
      { name: 'validate', targets: ['a'] },
    ]);
    const app = serverApp([controller], {
      taskDataFilters: [
        { tasks: '*', filters: [new TrailFilter('server-out')] },
        { tasks: ['train'], filters: [new TrailFilter('server-out-train')] },
      ],
      taskResultFilters: [{ tasks: ['validate'], filters: [new TrailFilter('server-in-validate')] }],
    });
    const d = await deploy(app, {
      a: clientApp(new EchoExecutor(), {
        data: [{ tasks: ['train'], filters: [new TrailFilter('client-in-train')] }],
        result: [{ tasks: '*', filters: [new TrailFilter('client-out')] }],
      }),
    });
    await d.server.run();
    expect(controller.results.map((r) => r.headers['trail'])).toEqual([
      ['server-out', 'server-out-train', 'client-in-train', 'client-out'],
      ['server-out', 'client-out', 'server-in-validate'],
    ]);
    await d.close();
  });

  it('gives each client its own filtered copy: server filters never touch the shared task data', async () => {
    const controller = new ScriptedController([{ name: 'train', targets: ['a', 'b'] }]);
    const d = await deploy(serverApp([controller], { taskDataFilters: [{ tasks: '*', filters: [new TrailFilter('x')] }] }), {
      a: clientApp(new EchoExecutor()),
      b: clientApp(new EchoExecutor()),
    });
    await d.server.run();
    expect(controller.results.map((r) => r.headers['trail'])).toEqual([['x'], ['x']]);
    expect(controller.tasks[0]!.data.headers['trail']).toBeUndefined();
    await d.close();
  });

  it('reports a throwing server task-data filter to the controller as TASK_DATA_FILTER_ERROR', async () => {
    class Broken extends Filter {
      process(): Shareable {
        throw new Error('nope');
      }
    }
    const controller = new ScriptedController([{ name: 'train', targets: ['a'] }]);
    const d = await deploy(serverApp([controller], { taskDataFilters: [{ tasks: ['train'], filters: [new Broken()] }] }), {
      a: clientApp(new EchoExecutor()),
    });
    await d.server.run();
    expect(controller.results.map((r) => r.returnCode)).toEqual([ReturnCode.TASK_DATA_FILTER_ERROR]);
    await d.close();
  });

  it('fires run, connection and submission events in order, with client task events in between', async () => {
    const controller = new ScriptedController([{ name: 'train', targets: ['a'] }]);
    const d = await deploy(serverApp([controller]), { a: clientApp(new EchoExecutor()) });
    await d.server.run();
    await d.close();
    await flush();
    const trace = d.events.map((e) => `${e.site}:${e.type}`);
    expect(trace).toEqual([
      'a:start_run',
      'server:client_connected',
      'server:start_run',
      'a:before_task_execution',
      'a:after_task_execution',
      'a:before_send_task_result',
      'server:before_process_submission',
      'server:after_process_submission',
      'a:after_send_task_result',
      'server:end_run',
      'a:end_run',
      'server:client_disconnected',
    ]);
  });

  it('ends a task with client_dead when its holder is declared dead', async () => {
    const waiting = new Waiting();
    const controller = new ScriptedController([{ name: 'train', targets: ['a', 'b'] }]);
    const d = await deploy(serverApp([controller]), { a: clientApp(new EchoExecutor()), b: clientApp(waiting) });
    const run = d.server.run();
    await waiting.started.promise;
    d.transport.markDead('b');
    await expect(run).resolves.toEqual({ status: RunStatus.COMPLETED });
    expect(controller.statuses).toEqual([TaskCompletionStatus.CLIENT_DEAD]);
    expect(d.server.clients()).toEqual(['a']);
    await d.close();
  });

  it('times out a task whose client never answers, revoking it from that client (fake timers)', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    try {
      const waiting = new Waiting();
      const controller = new ScriptedController([{ name: 'train', targets: ['a', 'b'], timeoutMs: 30_000 }]);
      const d = await deploy(serverApp([controller]), { a: clientApp(new EchoExecutor()), b: clientApp(waiting) });
      const run = d.server.run();
      await waiting.started.promise;
      await flush();
      expect(controller.results).toHaveLength(1);
      jest.advanceTimersByTime(29_999);
      expect(controller.statuses).toEqual([]);
      jest.advanceTimersByTime(1);
      await expect(run).resolves.toEqual({ status: RunStatus.COMPLETED });
      expect(controller.statuses).toEqual([TaskCompletionStatus.TIMEOUT]);
      await flush();
      expect(waiting.aborted).toBe(true);
      await d.close();
    } finally {
      jest.useRealTimers();
    }
  });

  it('abort mid-round: tasks end aborted, executors see their signal, later workflows never start', async () => {
    const waiting = new Waiting();
    const first = new ScriptedController([{ name: 'train', targets: ['a'] }]);
    const second = new ScriptedController([{ name: 'never', targets: ['a'] }]);
    const d = await deploy(serverApp([first, second]), { a: clientApp(waiting) });
    const run = d.server.run();
    await waiting.started.promise;
    d.server.abort('operator said so');
    await expect(run).resolves.toEqual({ status: RunStatus.ABORTED });
    await flush();
    expect(first.statuses).toEqual([TaskCompletionStatus.ABORTED]);
    expect(second.statuses).toEqual([]);
    expect(waiting.aborted).toBe(true);
    expect(d.events.map((e) => e.type)).toContain(EventType.JOB_ABORTED);
    await d.close();
  });

  it('a workflow that throws fails the run with its error and stops the next ones', async () => {
    class Failing extends Controller {
      override run(): Promise<void> {
        return Promise.reject(new Error('bad round'));
      }
    }
    const next = new ScriptedController([{ name: 'train', targets: ['a'] }]);
    const d = await deploy(serverApp([new Failing(), next]), { a: clientApp(new EchoExecutor()) });
    const outcome = await d.server.run();
    expect(outcome.status).toBe(RunStatus.FAILED);
    expect(outcome.error?.message).toBe('bad round');
    expect(next.statuses).toEqual([]);
    await expect(d.server.run()).rejects.toMatchObject({ code: 'HEARTH_ERR_ENGINE_ALREADY_RUN' });
    await d.close();
  });

  it('keeps running when an event handler throws', async () => {
    class Faulty extends FLComponent {
      override handleEvent(type: EventTypeValue): void {
        if (type === EventType.START_RUN) throw new Error('handler bug');
      }
    }
    const controller = new ScriptedController([{ name: 'train', targets: ['a'] }]);
    const app = serverApp([controller]);
    const d = await deploy({ ...app, components: new Map<string, FLComponent>([['faulty', new Faulty()], ...app.components]) }, {
      a: clientApp(new EchoExecutor()),
    });
    await expect(d.server.run()).resolves.toEqual({ status: RunStatus.COMPLETED });
    expect(controller.statuses).toEqual([TaskCompletionStatus.OK]);
    await d.close();
  });

  it('hands tasks of a running dynamic broadcast to clients that join late', async () => {
    class Everyone extends Controller {
      readonly answered: string[] = [];
      override async run(): Promise<void> {
        const task = createTask({ name: 'train', data: Shareable.fromDxo(weights(0)) });
        await this.broadcastAndWait(task, { minResponses: 2 });
        this.answered.push(...task.clientTasks.filter((ct) => ct.result !== undefined).map((ct) => ct.client));
      }
    }
    const controller = new Everyone();
    const d = await deploy(serverApp([controller]), { a: clientApp(new EchoExecutor()) });
    const run = d.server.run();
    await flush();
    const late = new ClientEngine({ site: 'late', jobId: 'job-1', app: clientApp(new EchoExecutor()), transport: d.transport.connect('late'), workspaceDir: '/tmp' });
    await late.start();
    await run;
    expect(controller.answered.sort()).toEqual(['a', 'late']);
    await late.close();
    await d.close();
  });
});
