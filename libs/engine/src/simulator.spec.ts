import { EventType, Executor, Filter, Shareable } from '@hearth/core';
import type { FLComponent, FLContext } from '@hearth/core';
import { CyclicController, ScatterAndGather } from '@hearth/workflow';
import type { Controller } from '@hearth/workflow';
import type { ClientApp } from './client-app.js';
import { EngineContextKey } from './context-keys.js';
import type { EngineEvent } from './engine-event.js';
import { EngineErrorCode } from './errors.js';
import { RunStatus } from './run-outcome.js';
import type { ServerApp } from './server-app.js';
import { Simulator } from './simulator.js';
import type { SimulatorOptions } from './simulator.js';
import type { StatefulExecutor } from './stateful-executor.js';
import { cloneCodec } from './testing/clone-codec.js';
import { MeanAggregator, MemoryPersistor, TowardsTarget, firstWeight, flush, weights } from './testing/toy-components.js';

const sites = (n: number): string[] => Array.from({ length: n }, (_, i) => `site-${i + 1}`);

function sagApp(args: ConstructorParameters<typeof ScatterAndGather>[0]): { app: ServerApp; sag: ScatterAndGather; persistor: MemoryPersistor } {
  const sag = new ScatterAndGather({ waitTimeAfterMinReceivedMs: 0, ...args });
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
  return { app, sag, persistor };
}

const appWith = (executor: Executor, dispose?: () => void): ClientApp => ({
  components: new Map(),
  executors: [{ tasks: ['train'], executor }],
  taskDataFilters: [],
  taskResultFilters: [],
  dispose,
});

const options = (overrides: Partial<SimulatorOptions> & Pick<SimulatorOptions, 'serverApp' | 'clientAppFactory' | 'clients'>): SimulatorOptions => ({
  codec: cloneCodec(),
  workspaceDir: '/tmp/hearth-sim',
  ...overrides,
});

/** Counts how many executions overlap; each execution yields to the event loop a few times. */
class ConcurrencyProbe {
  active = 0;
  max = 0;

  executor(): Executor {
    const enter = (): void => {
      this.active += 1;
      this.max = Math.max(this.max, this.active);
    };
    const leave = (): void => {
      this.active -= 1;
    };
    return new (class extends Executor {
      async execute(_name: string, data: Shareable): Promise<Shareable> {
        enter();
        for (let i = 0; i < 3; i++) await flush();
        leave();
        return Shareable.fromDxo(weights(firstWeight(data)));
      }
    })();
  }
}

describe('Simulator', () => {
  it('never runs more than `threads` clients at once, and does fill every slot', async () => {
    const probe = new ConcurrencyProbe();
    const { app } = sagApp({ minClients: 20, numRounds: 2 });
    const simulator = new Simulator(options({ clients: sites(20), threads: 3, serverApp: app, clientAppFactory: () => appWith(probe.executor()) }));
    const result = await simulator.run();
    expect(result.status).toBe(RunStatus.COMPLETED);
    expect(probe.max).toBe(3);
    expect(result.peakActiveClients).toBe(3);
    expect(result.tasksExecuted).toBe(40);
  });

  it('swaps a client in for its task and out afterwards, disposing the app each time', async () => {
    const dispose = jest.fn();
    const { app } = sagApp({ minClients: 4, numRounds: 3 });
    const simulator = new Simulator(options({ clients: sites(4), threads: 2, serverApp: app, clientAppFactory: () => appWith(new TowardsTarget(1), dispose) }));
    const events: EngineEvent[] = [];
    simulator.subscribe((e) => events.push(e));
    const result = await simulator.run();
    expect(result.activations).toBe(12);
    expect(dispose).toHaveBeenCalledTimes(12);
    const site1 = events.filter((e) => e.site === 'site-1').map((e) => e.type);
    const activation = [
      EventType.START_RUN,
      EventType.CLIENT_SWAPPED_IN,
      EventType.BEFORE_TASK_EXECUTION,
      EventType.AFTER_TASK_EXECUTION,
      EventType.BEFORE_SEND_TASK_RESULT,
      EventType.AFTER_SEND_TASK_RESULT,
      EventType.CLIENT_SWAPPED_OUT,
      EventType.END_RUN,
    ];
    expect(site1).toEqual([...activation, ...activation, ...activation]);
    expect(events.filter((e) => e.site === 'server' && e.type === EventType.ROUND_DONE)).toHaveLength(3);
  });

  it('keeps a stateful executor state per client while it is swapped out', async () => {
    class Counting extends Executor implements StatefulExecutor {
      calls = 0;
      execute(_name: string, data: Shareable): Promise<Shareable> {
        this.calls += 1;
        const result = Shareable.fromDxo(weights(firstWeight(data)));
        result.headers['calls'] = this.calls;
        return Promise.resolve(result);
      }
      saveState(): unknown {
        return { calls: this.calls };
      }
      loadState(state: unknown): void {
        this.calls = (state as { calls: number }).calls;
      }
    }
    const calls = new Map<string, number[]>();
    class RecordCalls extends Filter {
      process(data: Shareable, ctx: FLContext): Shareable {
        const site = ctx.get<string>(EngineContextKey.PEER_SITE) ?? '?';
        calls.set(site, [...(calls.get(site) ?? []), data.numberHeader('calls') ?? -1]);
        return data;
      }
    }
    const { app } = sagApp({ minClients: 3, numRounds: 4 });
    const serverApp: ServerApp = { ...app, taskResultFilters: [{ tasks: '*', filters: [new RecordCalls()] }] };
    const simulator = new Simulator(options({ clients: sites(3), threads: 1, serverApp, clientAppFactory: () => appWith(new Counting()) }));
    await simulator.run();
    expect(Object.fromEntries(calls)).toEqual({ 'site-1': [1, 2, 3, 4], 'site-2': [1, 2, 3, 4], 'site-3': [1, 2, 3, 4] });
  });

  it('runs server task-data filters when a client is about to run its task, so queued tasks hold no copies', async () => {
    let made = 0;
    let mostHeld = 0;
    class CountCopies extends Filter {
      process(data: Shareable): Shareable {
        made += 1;
        mostHeld = Math.max(mostHeld, made);
        return data;
      }
    }
    class UseCopy extends Executor {
      execute(_name: string, data: Shareable): Promise<Shareable> {
        made -= 1;
        return Promise.resolve(Shareable.fromDxo(weights(firstWeight(data))));
      }
    }
    const { app } = sagApp({ minClients: 4, numRounds: 2 });
    const serverApp: ServerApp = { ...app, taskDataFilters: [{ tasks: '*', filters: [new CountCopies()] }] };
    const result = await new Simulator(options({ clients: sites(4), threads: 1, serverApp, clientAppFactory: () => appWith(new UseCopy()) })).run();
    expect(result.status).toBe(RunStatus.COMPLETED);
    expect(made).toBe(0);
    expect(mostHeld).toBe(1);
  });

  it('orchestrates many clients over many rounds (SAG converges; every client every round)', async () => {
    const { app, sag } = sagApp({ minClients: 300, numRounds: 5 });
    const targets = new Map(sites(300).map((s, i) => [s, i % 3]));
    const simulator = new Simulator(
      options({ clients: sites(300), threads: 8, serverApp: app, clientAppFactory: (site) => appWith(new TowardsTarget(targets.get(site)!)) }),
    );
    const result = await simulator.run();
    expect(result).toMatchObject({ status: RunStatus.COMPLETED, tasksExecuted: 1500, activations: 1500 });
    expect(sag.history.map((s) => s.clients.length)).toEqual([300, 300, 300, 300, 300]);
    expect(firstWeight(Shareable.fromDxo(sag.globalModel!))).toBeCloseTo(0.96875, 5);
  });

  it('runs the cyclic workflow through every client in order', async () => {
    const cyclic = new CyclicController({ numRounds: 2 });
    const persistor = new MemoryPersistor(0);
    const serverApp: ServerApp = {
      components: new Map<string, FLComponent>([['persistor', persistor]]),
      workflows: [cyclic as Controller],
      taskDataFilters: [],
      taskResultFilters: [],
    };
    class AddOne extends Executor {
      execute(_name: string, data: Shareable): Promise<Shareable> {
        return Promise.resolve(Shareable.fromDxo(weights(firstWeight(data) + 1)));
      }
    }
    const result = await new Simulator(options({ clients: sites(4), threads: 2, serverApp, clientAppFactory: () => appWith(new AddOne()) })).run();
    expect(result.status).toBe(RunStatus.COMPLETED);
    expect(cyclic.history.map((s) => s.clients)).toEqual([sites(4), sites(4)]);
    expect(persistor.saves.at(-1)).toEqual({ tag: 'final', w: 8 });
  });

  it('aborts when its signal aborts, with nothing left running', async () => {
    const abort = new AbortController();
    const { app } = sagApp({ minClients: 5, numRounds: 50 });
    const simulator = new Simulator(
      options({ clients: sites(5), threads: 2, serverApp: app, signal: abort.signal, clientAppFactory: () => appWith(new TowardsTarget(1)) }),
    );
    simulator.subscribe((e) => {
      if (e.site === 'server' && e.type === EventType.ROUND_DONE) abort.abort();
    });
    const result = await simulator.run();
    expect(result.status).toBe(RunStatus.ABORTED);
    expect(result.tasksExecuted).toBeLessThan(15);
  });

  describe('a client whose app cannot be built answers with an execution error', () => {
    const run = (ignoreResultError: boolean): { app: ServerApp; result: ReturnType<Simulator['run']> } => {
      const { app } = sagApp({ minClients: 2, numRounds: 1, ignoreResultError });
      const simulator = new Simulator(
        options({
          clients: ['good', 'bad'],
          threads: 2,
          serverApp: app,
          clientAppFactory: (site) => {
            if (site === 'bad') throw new Error('no data for bad');
            return appWith(new TowardsTarget(2));
          },
        }),
      );
      return { app, result: simulator.run() };
    };

    it('which fails the job, naming the site and the error', async () => {
      const result = await run(false).result;
      expect(result.status).toBe(RunStatus.FAILED);
      expect(result.error?.message).toMatch(/bad returned an error result in round 0 \(EXECUTION_EXCEPTION: .*no data for bad/);
    });

    it('which the workflow skips with ignoreResultError', async () => {
      const { app, result } = run(true);
      expect((await result).status).toBe(RunStatus.COMPLETED);
      expect((app.workflows[0] as ScatterAndGather).history[0]!.clients).toEqual(['good']);
    });
  });

  it('releases an app whose swap-in fails after it was built', async () => {
    class BrokenState extends Executor implements StatefulExecutor {
      execute(_name: string, data: Shareable): Promise<Shareable> {
        return Promise.resolve(Shareable.fromDxo(weights(firstWeight(data))));
      }
      saveState(): unknown {
        return {};
      }
      loadState(): void {
        throw new Error('state from an older version');
      }
    }
    let built = 0;
    let disposed = 0;
    const { app } = sagApp({ minClients: 1, numRounds: 2 });
    const simulator = new Simulator(
      options({
        clients: sites(1),
        serverApp: app,
        clientAppFactory: () => {
          built += 1;
          return appWith(new BrokenState(), () => {
            disposed += 1;
          });
        },
      }),
    );
    await simulator.run();
    expect(built).toBe(2);
    expect(disposed).toBe(built);
  });

  it('passes task data and results through the codec, never sharing objects', async () => {
    const counter = { encoded: 0, decoded: 0 };
    const { app, sag } = sagApp({ minClients: 2, numRounds: 1 });
    let received: Shareable | undefined;
    class Mutating extends Executor {
      execute(_name: string, data: Shareable): Promise<Shareable> {
        received = data;
        (data.dxo!.requireParams().get('w')!.data as Float64Array)[0] = 99;
        return Promise.resolve(Shareable.fromDxo(weights(1)));
      }
    }
    await new Simulator(options({ clients: sites(2), threads: 1, serverApp: app, codec: cloneCodec(counter), clientAppFactory: () => appWith(new Mutating()) })).run();
    expect(received).toBeDefined();
    expect(counter).toEqual({ encoded: 4, decoded: 4 });
    expect(firstWeight(Shareable.fromDxo(sag.globalModel!))).toBe(1);
  });

  it('rejects bad options with coded errors', () => {
    const { app } = sagApp({});
    const base = { serverApp: app, clientAppFactory: () => appWith(new TowardsTarget(1)) };
    const code = { code: EngineErrorCode.INVALID_OPTIONS };
    expect(() => new Simulator(options({ ...base, clients: [] }))).toThrow(expect.objectContaining(code));
    expect(() => new Simulator(options({ ...base, clients: ['a', 'a'] }))).toThrow(expect.objectContaining(code));
    expect(() => new Simulator(options({ ...base, clients: ['a'], threads: 0 }))).toThrow(expect.objectContaining(code));
    expect(() => new Simulator(options({ ...base, clients: ['a'], codec: {} as never }))).toThrow(expect.objectContaining(code));
  });
});
