import { FLComponent, isHearthError, Shareable } from '@hearth/core';
import type { FLContext } from '@hearth/core';
import { Type } from 'typebox';
import { buildClientApp, buildServerApp } from './build-app.js';
import { defineComponent } from './component-definition.js';
import { JobErrorCode } from './errors.js';
import { JobInvalidError } from './job-problem.js';
import {
  clientConfig,
  CounterComponent,
  EchoExecutor,
  PoolComponent,
  RoundsWorkflow,
  serverConfig,
  TagFilter,
  testRegistry,
} from './spec-fixtures.js';

const jobDir = '/nonexistent/job';

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
}

class Holder extends FLComponent {
  constructor(readonly other: FLComponent) {
    super();
  }
}

function registryWithExtras() {
  return testRegistry()
    .register(
      defineComponent({
        type: 'Holder',
        argsSchema: Type.Object({ other: Type.String() }),
        create: (args, refs) => new Holder(refs.get(args.other)),
      }),
    )
    .register({
      type: 'Broken',
      create: () => {
        throw new Error('disk on fire');
      },
    });
}

describe('buildServerApp', () => {
  it('builds components, workflows and filters in config order with ids set', async () => {
    const app = await buildServerApp(serverConfig(), { registry: testRegistry(), jobDir });
    expect([...app.components.keys()]).toEqual(['aggregator', 'sag']);
    const aggregator = app.components.get('aggregator');
    expect(aggregator).toBeInstanceOf(CounterComponent);
    expect(aggregator).toMatchObject({ id: 'aggregator', start: 1 });
    expect(app.workflows).toHaveLength(1);
    const workflow = app.workflows[0] as RoundsWorkflow;
    expect(workflow).toBeInstanceOf(RoundsWorkflow);
    expect(workflow.id).toBe('sag');
    expect(workflow.numRounds).toBe(3);
    expect(workflow.aggregator).toBe(aggregator);
    expect(app.taskDataFilters).toEqual([{ tasks: '*', filters: [expect.any(TagFilter)] }]);
    expect(app.taskResultFilters).toEqual([]);
  });

  it('builds a referenced component that comes later first, keeping config order in the map', async () => {
    const config = {
      ...serverConfig(),
      components: [
        { id: 'pool', type: 'Pool', args: { members: ['late', 'aggregator'] } },
        { id: 'aggregator', type: 'Counter' },
        { id: 'late', type: 'Counter', args: { start: 7 } },
      ],
    };
    const app = await buildServerApp(config, { registry: testRegistry(), jobDir });
    expect([...app.components.keys()]).toEqual(['pool', 'aggregator', 'late', 'sag']);
    const pool = app.components.get('pool') as PoolComponent;
    expect(pool).toBeInstanceOf(PoolComponent);
    expect(pool.members).toEqual([app.components.get('late'), app.components.get('aggregator')]);
    expect(app.components.get('aggregator')).toMatchObject({ start: 0 });
  });

  it('creates fresh instances on every build', async () => {
    const first = await buildServerApp(serverConfig(), { registry: testRegistry(), jobDir });
    const second = await buildServerApp(serverConfig(), { registry: testRegistry(), jobDir });
    expect(first.components.get('aggregator')).not.toBe(second.components.get('aggregator'));
  });

  it('throws JobInvalidError with every problem for an invalid config', async () => {
    const config = { ...serverConfig(), components: [{ id: 'aggregator', type: 'Nope' }] };
    const error = await errorOf(buildServerApp(config, { registry: testRegistry(), jobDir }));
    expect(error).toBeInstanceOf(JobInvalidError);
    expect((error as JobInvalidError).problems).toEqual([
      expect.objectContaining({ file: 'config_fed_server.json', path: '$.components[0].type' }),
    ]);
  });

  it('wraps a factory that throws, naming the entry', async () => {
    const config = { ...serverConfig(), components: [...(serverConfig().components ?? []), { id: 'b', type: 'Broken' }] };
    const error = await errorOf(buildServerApp(config, { registry: registryWithExtras(), jobDir }));
    expect(isHearthError(error, JobErrorCode.COMPONENT_BUILD_FAILED)).toBe(true);
    expect((error as Error).message).toBe('cannot build $.components[1] (type Broken): disk on fire');
    expect(((error as Error).cause as Error).message).toBe('disk on fire');
  });

  it('reports a reference a factory asks for that the app does not define', async () => {
    const holder = { id: 'h', type: 'Holder', args: { other: 'ghost' } };
    const config = { ...serverConfig(), components: [...(serverConfig().components ?? []), holder] };
    const error = await errorOf(buildServerApp(config, { registry: registryWithExtras(), jobDir }));
    expect(isHearthError(error, JobErrorCode.COMPONENT_REF_UNKNOWN)).toBe(true);
    expect((error as Error).message).toBe('$.components[1] refers to component "ghost", which this app does not define');
  });

  it('reports a reference cycle that only shows up while building', async () => {
    const config = {
      ...serverConfig(),
      components: [
        ...(serverConfig().components ?? []),
        { id: 'h1', type: 'Holder', args: { other: 'h2' } },
        { id: 'h2', type: 'Holder', args: { other: 'h1' } },
      ],
    };
    const error = await errorOf(buildServerApp(config, { registry: registryWithExtras(), jobDir }));
    expect(isHearthError(error, JobErrorCode.COMPONENT_REF_CYCLE)).toBe(true);
    expect((error as Error).message).toBe('component "h1" needs itself to be built (reference cycle)');
  });

  it('refuses a filter slot filled with something that cannot filter', async () => {
    const config = { ...serverConfig(), task_result_filters: [{ tasks: ['train'], filters: [{ type: 'Counter' }] }] };
    const error = await errorOf(buildServerApp(config, { registry: testRegistry(), jobDir }));
    expect(isHearthError(error, JobErrorCode.COMPONENT_KIND_MISMATCH)).toBe(true);
    expect((error as Error).message).toBe(
      '$.task_result_filters[0].filters[0] (type Counter) did not build an FLComponent that has process()',
    );
  });
});

describe('buildClientApp', () => {
  it('binds executors to their tasks and builds filter chains in order', async () => {
    const app = await buildClientApp(clientConfig(), { registry: testRegistry(), jobDir });
    expect(app.executors.map((e) => e.tasks)).toEqual([['train'], ['validate', 'submit_model']]);
    expect(app.executors.map((e) => e.executor)).toEqual([expect.any(EchoExecutor), expect.any(EchoExecutor)]);
    expect(app.executors.map((e) => (e.executor as EchoExecutor).label)).toEqual(['train', 'echo']);
    expect([...app.components.keys()]).toEqual(['trainer']);
    expect(app.components.get('trainer')).toBe(app.executors[0]?.executor);
    expect(app.taskDataFilters).toEqual([]);
    const [binding] = app.taskResultFilters;
    expect(binding?.tasks).toEqual(['train']);
    let data = new Shareable();
    for (const filter of binding?.filters ?? []) data = await filter.process(data, {} as FLContext);
    expect(data.headers['tags']).toBe('xy');
  });

  it('refuses an executor slot filled with something that cannot execute', async () => {
    const config = { ...clientConfig(), executors: [{ tasks: ['train'], executor: { type: 'Counter' } }] };
    const error = await errorOf(buildClientApp(config, { registry: testRegistry(), jobDir }));
    expect(isHearthError(error, JobErrorCode.COMPONENT_KIND_MISMATCH)).toBe(true);
    expect((error as Error).message).toBe('$.executors[0].executor (type Counter) did not build an FLComponent that has execute()');
  });
});
