import { EventType, Executor, FLComponent, Filter, HeaderKey, ReturnCode, Shareable, isHearthError } from '@hearth/core';
import type { EventTypeValue, FLContext } from '@hearth/core';
import type { AnalyticsMessage } from './analytics-message.js';
import type { ClientApp, ExecutorBinding } from './client-app.js';
import { ClientEngine } from './client-engine.js';
import { EngineErrorCode } from './errors.js';
import type { FilterBinding } from './filter-binding.js';
import { TrailFilter, deferred, firstWeight, weights } from './testing/toy-components.js';
import type { ClientTransport, ClientTransportHandler, ResultMessage, TaskMessage } from './transport.js';

class RecordingTransport implements ClientTransport {
  readonly site = 'site-1';
  readonly submitted: ResultMessage[] = [];
  readonly analytics: AnalyticsMessage[] = [];
  /** What reached the transport, in order: `analytics` or `result`. */
  readonly sent: string[] = [];
  handler: ClientTransportHandler | undefined;
  joined = 0;
  left = 0;

  bind(handler: ClientTransportHandler): void {
    this.handler = handler;
  }

  join(): Promise<void> {
    this.joined += 1;
    return Promise.resolve();
  }

  leave(): Promise<void> {
    this.left += 1;
    return Promise.resolve();
  }

  submitResult(message: ResultMessage): Promise<void> {
    this.submitted.push(message);
    this.sent.push('result');
    return Promise.resolve();
  }

  sendAnalytics(message: AnalyticsMessage): Promise<void> {
    this.analytics.push(message);
    this.sent.push('analytics');
    return Promise.resolve();
  }
}

/** Streams `train_loss` for steps 0..count-1, then adds one like {@link AddOne}. */
class Streams extends Executor {
  constructor(readonly count: number) {
    super();
  }

  execute(_taskName: string, data: Shareable, ctx: FLContext): Promise<Shareable> {
    for (let step = 0; step < this.count; step++) ctx.engine.sendAnalytics?.({ key: 'train_loss', value: 1 / (step + 1), step }, ctx);
    return Promise.resolve(Shareable.fromDxo(weights(firstWeight(data) + 1)));
  }
}

class AddOne extends Executor {
  readonly seen: Array<{ taskName: string; trail: unknown }> = [];

  execute(taskName: string, data: Shareable): Promise<Shareable> {
    this.seen.push({ taskName, trail: data.headers['trail'] });
    const result = Shareable.fromDxo(weights(firstWeight(data) + 1));
    result.headers['trail'] = data.headers['trail'] ?? [];
    return Promise.resolve(result);
  }
}

class Throwing extends Executor {
  execute(): Promise<Shareable> {
    return Promise.reject(new Error('GPU on fire'));
  }
}

class BrokenFilter extends Filter {
  process(): Shareable {
    throw new Error('filter broke');
  }
}

class EventLog extends FLComponent {
  readonly seen: EventTypeValue[] = [];

  override handleEvent(type: EventTypeValue): void {
    this.seen.push(type);
  }
}

function task(taskName: string, value = 1): TaskMessage {
  const data = Shareable.fromDxo(weights(value), { [HeaderKey.TASK_NAME]: taskName });
  data.setCookie('round', 3);
  return { taskName, taskId: `${taskName}-id`, data };
}

function setup(options: {
  readonly executors?: readonly ExecutorBinding[];
  readonly taskDataFilters?: readonly FilterBinding[];
  readonly taskResultFilters?: readonly FilterBinding[];
}) {
  const log = new EventLog();
  const dispose = jest.fn();
  const app: ClientApp = {
    components: new Map([['log', log]]),
    executors: options.executors ?? [{ tasks: ['train'], executor: new AddOne() }],
    taskDataFilters: options.taskDataFilters ?? [],
    taskResultFilters: options.taskResultFilters ?? [],
    dispose,
  };
  const transport = new RecordingTransport();
  const engine = new ClientEngine({ site: 'site-1', jobId: 'job-1', app, transport, workspaceDir: '/tmp/hearth' });
  return { engine, transport, log, dispose };
}

const only = (transport: RecordingTransport): ResultMessage => {
  expect(transport.submitted).toHaveLength(1);
  return transport.submitted[0]!;
};

describe('ClientEngine', () => {
  it('runs a task and submits the result with the task name, id and cookies echoed', async () => {
    const { engine, transport } = setup({});
    await engine.start();
    await engine.handleTask(task('train', 41));
    const { result, taskId } = only(transport);
    expect(taskId).toBe('train-id');
    expect(firstWeight(result)).toBe(42);
    expect(result.headers[HeaderKey.TASK_ID]).toBe('train-id');
    expect(result.stringHeader(HeaderKey.TASK_NAME)).toBe('train');
    expect(result.cookieJar).toEqual({ round: 3 });
    expect(result.returnCode).toBe(ReturnCode.OK);
  });

  it('fires the task events in order around filters, execution and submission', async () => {
    const { engine, log } = setup({
      taskDataFilters: [{ tasks: '*', filters: [new TrailFilter('in')] }],
      taskResultFilters: [{ tasks: '*', filters: [new TrailFilter('out')] }],
    });
    await engine.start();
    await engine.handleTask(task('train'));
    await engine.close();
    expect(log.seen).toEqual([
      EventType.START_RUN,
      EventType.BEFORE_TASK_DATA_FILTER,
      EventType.AFTER_TASK_DATA_FILTER,
      EventType.BEFORE_TASK_EXECUTION,
      EventType.AFTER_TASK_EXECUTION,
      EventType.BEFORE_TASK_RESULT_FILTER,
      EventType.AFTER_TASK_RESULT_FILTER,
      EventType.BEFORE_SEND_TASK_RESULT,
      EventType.AFTER_SEND_TASK_RESULT,
      EventType.END_RUN,
    ]);
  });

  it('runs filter chains in binding order, scoped to their task names', async () => {
    const executor = new AddOne();
    const { engine, transport } = setup({
      executors: [{ tasks: ['train', 'validate'], executor }],
      taskDataFilters: [
        { tasks: '*', filters: [new TrailFilter('all-1')] },
        { tasks: ['train'], filters: [new TrailFilter('train-only'), new TrailFilter('train-only-2')] },
        { tasks: '*', filters: [new TrailFilter('all-2')] },
      ],
      taskResultFilters: [{ tasks: ['validate'], filters: [new TrailFilter('validate-out')] }],
    });
    await engine.start();
    await engine.handleTask(task('train'));
    await engine.handleTask(task('validate'));
    expect(executor.seen).toEqual([
      { taskName: 'train', trail: ['all-1', 'train-only', 'train-only-2', 'all-2'] },
      { taskName: 'validate', trail: ['all-1', 'all-2'] },
    ]);
    expect(transport.submitted.map((m) => m.result.headers['trail'])).toEqual([
      ['all-1', 'train-only', 'train-only-2', 'all-2'],
      ['all-1', 'all-2', 'validate-out'],
    ]);
  });

  it('answers an unknown task with TASK_UNKNOWN, unless a wildcard executor takes it', async () => {
    const plain = setup({});
    await plain.engine.handleTask(task('cross_val'));
    expect(only(plain.transport).result.returnCode).toBe(ReturnCode.TASK_UNKNOWN);
    const wildcard = setup({ executors: [{ tasks: ['*'], executor: new AddOne() }] });
    await wildcard.engine.handleTask(task('cross_val', 1));
    expect(firstWeight(only(wildcard.transport).result)).toBe(2);
  });

  it('turns an executor exception into EXECUTION_EXCEPTION with the message', async () => {
    const { engine, transport, log } = setup({ executors: [{ tasks: ['train'], executor: new Throwing() }] });
    await engine.handleTask(task('train'));
    const { result } = only(transport);
    expect(result.returnCode).toBe(ReturnCode.EXECUTION_EXCEPTION);
    expect(result.stringHeader(HeaderKey.ERROR_MESSAGE)).toBe('GPU on fire');
    expect(log.seen).not.toContain(EventType.AFTER_TASK_EXECUTION);
  });

  it('reports TASK_DATA_FILTER_ERROR and TASK_RESULT_FILTER_ERROR for throwing filters', async () => {
    const inbound = setup({ taskDataFilters: [{ tasks: '*', filters: [new BrokenFilter()] }] });
    await inbound.engine.handleTask(task('train'));
    expect(only(inbound.transport).result.returnCode).toBe(ReturnCode.TASK_DATA_FILTER_ERROR);
    const outbound = setup({ taskResultFilters: [{ tasks: ['train'], filters: [new BrokenFilter()] }] });
    await outbound.engine.handleTask(task('train'));
    expect(only(outbound.transport).result.returnCode).toBe(ReturnCode.TASK_RESULT_FILTER_ERROR);
  });

  it('skips result filters for error results', async () => {
    const { engine, transport } = setup({
      executors: [{ tasks: ['train'], executor: new Throwing() }],
      taskResultFilters: [{ tasks: '*', filters: [new BrokenFilter()] }],
    });
    await engine.handleTask(task('train'));
    expect(only(transport).result.returnCode).toBe(ReturnCode.EXECUTION_EXCEPTION);
  });

  it('a revoked task sees its signal abort and submits nothing; an aborted job refuses new tasks', async () => {
    const started = deferred();
    let sawAbort = false;
    class Waits extends Executor {
      execute(_name: string, _data: Shareable, _ctx: FLContext, signal: AbortSignal): Promise<Shareable> {
        started.resolve();
        return new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            sawAbort = true;
            reject(new Error('stopped'));
          });
        });
      }
    }
    const { engine, transport } = setup({ executors: [{ tasks: ['train'], executor: new Waits() }] });
    await engine.start();
    const handled = engine.handleTask(task('train'));
    await started.promise;
    transport.handler!.taskRevoked('train-id');
    await handled;
    expect(sawAbort).toBe(true);
    expect(transport.submitted).toHaveLength(0);
    transport.handler!.jobAborted();
    await engine.handleTask(task('train'));
    expect(transport.submitted).toHaveLength(0);
  });

  it('start joins once; close fires END_RUN, leaves and disposes the app once', async () => {
    const { engine, transport, dispose } = setup({});
    await engine.start();
    await engine.start();
    await engine.close();
    await engine.close();
    expect([transport.joined, transport.left]).toEqual([1, 1]);
    expect(dispose).toHaveBeenCalledTimes(1);
  });

  it('streams points tagged with the task round and hands them all to the transport before the result', async () => {
    const { engine, transport } = setup({ executors: [{ tasks: ['train'], executor: new Streams(3) }] });
    await engine.start();
    const message = task('train');
    message.data.headers[HeaderKey.CURRENT_ROUND] = 4;
    await engine.handleTask(message);
    expect(transport.sent).toEqual(['analytics', 'result']);
    const points = transport.analytics.flatMap((m) => m.points);
    expect(points.map(({ key, value, step, round }) => ({ key, value, step, round }))).toEqual([
      { key: 'train_loss', value: 1, step: 0, round: 4 },
      { key: 'train_loss', value: 0.5, step: 1, round: 4 },
      { key: 'train_loss', value: 1 / 3, step: 2, round: 4 },
    ]);
    expect(points.every((p) => typeof p.time === 'number' && p.time > 0)).toBe(true);
    expect(engine.analyticsStats).toEqual({ sent: 3, dropped: 0, failed: 0, buffered: 0 });
  });

  it('tags points of a task without a round with round null', async () => {
    const { engine, transport } = setup({ executors: [{ tasks: ['train'], executor: new Streams(1) }] });
    await engine.start();
    await engine.handleTask(task('train'));
    expect(transport.analytics[0]!.points[0]!.round).toBeNull();
  });

  it.each([
    [{ key: '', value: 1, step: 0 }, 'key must be a non-empty string'],
    [{ key: 'loss', value: Number.NaN, step: 0 }, '"loss": value must be a finite number, got NaN'],
    [{ key: 'loss', value: 1, step: -1 }, '"loss": step must be a whole number >= 0, got -1'],
    [{ key: 'loss', value: 1, step: 1.5 }, 'step must be a whole number >= 0, got 1.5'],
    [{ key: 'x'.repeat(257), value: 1, step: 0 }, 'at most 256 characters'],
  ])('refuses the malformed point %j with HEARTH_ERR_ENGINE_INVALID_ANALYTICS', (point, message) => {
    const { engine } = setup({});
    let thrown: unknown;
    try {
      engine.sendAnalytics(point, engine.newContext());
    } catch (err) {
      thrown = err;
    }
    expect(isHearthError(thrown, EngineErrorCode.INVALID_ANALYTICS)).toBe(true);
    expect((thrown as Error).message).toContain(message);
  });

  it('rejects an app where two executors claim one task', () => {
    let thrown: unknown;
    try {
      setup({ executors: [{ tasks: ['train'], executor: new AddOne() }, { tasks: ['train'], executor: new AddOne() }] });
    } catch (err) {
      thrown = err;
    }
    expect(isHearthError(thrown, EngineErrorCode.INVALID_APP)).toBe(true);
  });
});
