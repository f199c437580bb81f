import { DataKind, Dxo, HeaderKey, Shareable, TaskCompletionStatus, f32, isHearthError } from '@hearth/core';
import { Controller } from './controller.js';
import type { UnknownTaskResult } from './controller.js';
import { createTask } from './create-task.js';
import { WorkflowErrorCode } from './errors.js';
import { FakeHost, settle } from './testing/fake-host.js';
import { firstWeight } from './testing/toy-components.js';

class TestController extends Controller {
  readonly unknown: UnknownTaskResult[] = [];

  override run(): Promise<void> {
    return Promise.resolve();
  }

  override processResultOfUnknownTask(unknown: UnknownTaskResult): void {
    this.unknown.push(unknown);
  }
}

const ok = (value = 0): Shareable =>
  Shareable.fromDxo(new Dxo({ kind: DataKind.WEIGHTS, params: new Map([['w', f32([1], [value])]]) }));
const data = (): Shareable => ok(0);

function setup(clients: readonly string[] = ['a', 'b', 'c']): { host: FakeHost; controller: TestController } {
  const host = new FakeHost({ clients });
  return { host, controller: host.attach(new TestController()) };
}

function expectCode(fn: () => unknown, code: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(isHearthError(thrown, code)).toBe(true);
}

describe('Controller.broadcast', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('after minResponses waits waitTimeAfterMinReceivedMs for the rest, then ends ok and revokes the stragglers', async () => {
    const { host, controller } = setup();
    const task = createTask({ name: 'train', data: data() });
    const done = controller.broadcastAndWait(task, { minResponses: 2, waitTimeAfterMinReceivedMs: 5_000 });
    expect(host.pushedTo()).toEqual(['a', 'b', 'c']);
    const [toA, toB] = host.pushed;
    host.answer(toA!, ok(1));
    host.answer(toB!, ok(2));
    jest.advanceTimersByTime(4_999);
    expect(task.completionStatus).toBeUndefined();
    jest.advanceTimersByTime(1);
    await expect(done).resolves.toBe(TaskCompletionStatus.OK);
    expect(task.clientTasks.map((ct) => ct.result !== undefined)).toEqual([true, true, false]);
    expect(host.revoked).toEqual([{ client: 'c', taskId: host.pushed[2]!.taskId }]);
  });

  it('ends as soon as every target answered, without waiting', async () => {
    const { host, controller } = setup(['a', 'b']);
    const task = createTask({ name: 'train', data: data() });
    const done = controller.broadcastAndWait(task, { minResponses: 1, waitTimeAfterMinReceivedMs: 60_000 });
    for (const request of [...host.pushed]) host.answer(request, ok());
    await expect(done).resolves.toBe(TaskCompletionStatus.OK);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('times out when a client never answers, and routes its late result to processResultOfUnknownTask', async () => {
    const { host, controller } = setup(['a', 'b']);
    const task = createTask({ name: 'train', data: data(), timeoutMs: 1_000 });
    const done = controller.broadcastAndWait(task, { minResponses: 2 });
    host.answer(host.pushed[0]!, ok());
    jest.advanceTimersByTime(1_000);
    await expect(done).resolves.toBe(TaskCompletionStatus.TIMEOUT);
    const late = host.pushed[1]!;
    host.answer(late, late.data);
    expect(controller.unknown).toHaveLength(1);
    expect(controller.unknown[0]).toMatchObject({ client: 'b', taskName: 'train', taskId: late.taskId });
  });

  it('stamps each client envelope with the task name and its own task id, sharing the DXO', () => {
    const { host, controller } = setup(['a', 'b']);
    const task = createTask({ name: 'train', data: data() });
    controller.broadcast(task);
    const [toA, toB] = host.pushed;
    expect(toA!.data.headers[HeaderKey.TASK_ID]).toBe(toA!.taskId);
    expect(toA!.taskId).not.toBe(toB!.taskId);
    expect(toA!.data.stringHeader(HeaderKey.TASK_NAME)).toBe('train');
    expect(toA!.data.dxo).toBe(task.data.dxo);
    expect(toA!.data).not.toBe(toB!.data);
  });

  it('hands dynamic-target tasks to clients that join while it runs, fixed-target ones only to targets', () => {
    const { host, controller } = setup(['a']);
    controller.broadcast(createTask({ name: 'dyn', data: data() }), { minResponses: 3 });
    controller.broadcast(createTask({ name: 'fixed', data: data() }), { targets: ['a', 'z'], minResponses: 2 });
    host.join('b');
    host.join('z');
    const names = host.pushed.map((r) => `${r.data.stringHeader(HeaderKey.TASK_NAME)}->${r.client}`);
    expect(names).toEqual(['dyn->a', 'fixed->a', 'dyn->b', 'dyn->z', 'fixed->z']);
  });

  it('ignores a result sent by a client that does not hold the task', () => {
    const { host, controller } = setup(['a', 'b']);
    const task = createTask({ name: 'train', data: data() });
    controller.broadcast(task, { minResponses: 2 });
    controller.handleResult('b', host.pushed[0]!.taskId, ok(), host.newContext());
    expect(task.clientTasks[0]!.result).toBeUndefined();
    expect(controller.unknown).toHaveLength(0);
  });
});

describe('Controller: dead clients', () => {
  it('ends a broadcast with client_dead when a holder dies and the minimum becomes unreachable', async () => {
    const { host, controller } = setup();
    const task = createTask({ name: 'train', data: data() });
    const done = controller.broadcastAndWait(task, { targets: ['a', 'b', 'c'], minResponses: 3 });
    host.answer(host.pushed[0]!, ok());
    host.kill('b');
    await expect(done).resolves.toBe(TaskCompletionStatus.CLIENT_DEAD);
    expect(host.revoked.map((r) => r.client)).toEqual(['c']);
  });

  it('lets a broadcast finish ok when enough holders survive', async () => {
    const { host, controller } = setup();
    const task = createTask({ name: 'train', data: data() });
    const done = controller.broadcastAndWait(task, { minResponses: 2, waitTimeAfterMinReceivedMs: 10_000 });
    host.kill('b');
    host.answer(host.pushed[0]!, ok());
    host.answer(host.pushed[2]!, ok());
    await expect(done).resolves.toBe(TaskCompletionStatus.OK);
  });

  it('ends a send with client_dead when its holder dies; a death of a non-holder changes nothing', async () => {
    const { host, controller } = setup();
    const task = createTask({ name: 'eval', data: data() });
    const done = controller.sendAndWait(task, { targets: ['a', 'b'] });
    host.kill('c');
    expect(task.completionStatus).toBeUndefined();
    host.kill('a');
    await expect(done).resolves.toBe(TaskCompletionStatus.CLIENT_DEAD);
  });
});

describe('Controller.send', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sequential: skips a target that is not available within the assignment timeout', async () => {
    const { host, controller } = setup(['b', 'c']);
    const task = createTask({ name: 'eval', data: data() });
    const done = controller.sendAndWait(task, { targets: ['x', 'c', 'b'], taskAssignmentTimeoutMs: 1_000 });
    expect(host.pushed).toHaveLength(0);
    jest.advanceTimersByTime(1_000);
    expect(host.pushedTo()).toEqual(['c']);
    host.answer(host.pushed[0]!, ok(5));
    await expect(done).resolves.toBe(TaskCompletionStatus.OK);
    expect(task.clientTasks.map((ct) => ct.client)).toEqual(['c']);
  });

  it('sequential: a target that joins within its assignment window gets the task', () => {
    const { host, controller } = setup(['c']);
    controller.send(createTask({ name: 'eval', data: data() }), { targets: ['x', 'c'], taskAssignmentTimeoutMs: 1_000 });
    jest.advanceTimersByTime(500);
    host.join('x');
    jest.advanceTimersByTime(5_000);
    expect(host.pushedTo()).toEqual(['x']);
  });

  it('sequential: after the last target was skipped, the first target to come gets it', () => {
    const { host, controller } = setup([]);
    controller.send(createTask({ name: 'eval', data: data() }), { targets: ['x', 'y'], taskAssignmentTimeoutMs: 100 });
    jest.advanceTimersByTime(250);
    host.join('x');
    expect(host.pushedTo()).toEqual(['x']);
  });

  it('any: the first available target gets it', () => {
    const { host, controller } = setup(['c', 'b']);
    controller.send(createTask({ name: 'eval', data: data() }), { targets: ['x', 'b', 'c'], sendOrder: 'any' });
    expect(host.pushedTo()).toEqual(['b']);
  });
});

describe('Controller.relay', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('visits the targets in order, each result becoming the next input', async () => {
    const host = new FakeHost({
      clients: ['a', 'b', 'c'],
      reply: (request) => ok(firstWeight(request.data) + 1),
    });
    const controller = host.attach(new TestController());
    const seen: number[] = [];
    const task = createTask({
      name: 'train',
      data: data(),
      beforeTaskSent: (ct) => {
        seen.push(firstWeight(ct.task.data));
      },
      resultReceived: (ct) => {
        ct.task.data = ct.result!;
      },
    });
    const status = await controller.relayAndWait(task, { targets: ['c', 'a', 'b'] });
    expect(status).toBe(TaskCompletionStatus.OK);
    expect(host.pushedTo()).toEqual(['c', 'a', 'b']);
    expect(seen).toEqual([0, 1, 2]);
    expect(firstWeight(task.data)).toBe(3);
  });

  it('moves on when a target does not answer within the result timeout; its late result is unknown', async () => {
    const { host, controller } = setup(['a', 'b']);
    const task = createTask({ name: 'train', data: data() });
    const done = controller.relayAndWait(task, { targets: ['a', 'b'], taskResultTimeoutMs: 1_000 });
    jest.advanceTimersByTime(1_000);
    expect(host.pushedTo()).toEqual(['a', 'b']);
    expect(host.revoked.map((r) => r.client)).toEqual(['a']);
    host.answer(host.pushed[1]!, ok());
    await expect(done).resolves.toBe(TaskCompletionStatus.OK);
    host.answer(host.pushed[0]!, ok());
    expect(controller.unknown.map((u) => u.client)).toEqual(['a']);
  });

  it('appends clients that join during the relay when dynamicTargets is on', async () => {
    const { host, controller } = setup(['a']);
    const task = createTask({ name: 'train', data: data() });
    const done = controller.relayAndWait(task);
    host.join('b');
    host.answer(host.pushed[0]!, ok());
    expect(host.pushedTo()).toEqual(['a', 'b']);
    host.answer(host.pushed[1]!, ok());
    await expect(done).resolves.toBe(TaskCompletionStatus.OK);
  });

  it('ends with timeout when every target was skipped', async () => {
    const { controller } = setup([]);
    const task = createTask({ name: 'train', data: data() });
    const done = controller.relayAndWait(task, { targets: ['x', 'y'], taskAssignmentTimeoutMs: 100, dynamicTargets: false });
    jest.advanceTimersByTime(200);
    await expect(done).resolves.toBe(TaskCompletionStatus.TIMEOUT);
  });
});

describe('Controller: cancel, abort and callbacks', () => {
  it('cancelTask ends the task, revokes it from holders and wakes the waiter', async () => {
    const { host, controller } = setup(['a', 'b']);
    const taskDone = jest.fn();
    const task = createTask({ name: 'train', data: data(), taskDone });
    const done = controller.broadcastAndWait(task, { minResponses: 2 });
    controller.cancelTask(task);
    await expect(done).resolves.toBe(TaskCompletionStatus.CANCELLED);
    expect(host.revoked.map((r) => r.client)).toEqual(['a', 'b']);
    expect(taskDone).toHaveBeenCalledTimes(1);
    controller.cancelTask(task, TaskCompletionStatus.ERROR);
    expect(task.completionStatus).toBe(TaskCompletionStatus.CANCELLED);
  });

  it('an aborted signal ends the awaited task with status aborted', async () => {
    const { controller } = setup(['a']);
    const abort = new AbortController();
    const task = createTask({ name: 'train', data: data() });
    const done = controller.broadcastAndWait(task, { signal: abort.signal });
    await settle();
    abort.abort();
    await expect(done).resolves.toBe(TaskCompletionStatus.ABORTED);
  });

  it('cancelAllTasks ends every running task with the given status', async () => {
    const { controller } = setup(['a', 'b']);
    const first = controller.sendAndWait(createTask({ name: 'one', data: data() }), { targets: ['a'] });
    const second = controller.relayAndWait(createTask({ name: 'two', data: data() }));
    controller.cancelAllTasks(TaskCompletionStatus.ABORTED);
    await expect(Promise.all([first, second])).resolves.toEqual([TaskCompletionStatus.ABORTED, TaskCompletionStatus.ABORTED]);
  });

  it('a throwing callback ends the task with status error and keeps the error', async () => {
    const { host, controller } = setup(['a', 'b']);
    const task = createTask({
      name: 'train',
      data: data(),
      resultReceived: () => {
        throw new Error('boom');
      },
    });
    const done = controller.broadcastAndWait(task, { minResponses: 2 });
    host.answer(host.pushed[0]!, ok());
    await expect(done).resolves.toBe(TaskCompletionStatus.ERROR);
    expect(task.error?.message).toBe('boom');
  });

  it('runs the callbacks in order around each send and result', async () => {
    const host = new FakeHost({ clients: ['a'], reply: () => ok() });
    const controller = host.attach(new TestController());
    const calls: string[] = [];
    const task = createTask({
      name: 'train',
      data: data(),
      beforeTaskSent: (ct) => calls.push(`before:${ct.client}`),
      afterTaskSent: (ct) => calls.push(`after:${ct.client}`),
      resultReceived: (ct) => calls.push(`result:${ct.client}`),
      taskDone: (t) => calls.push(`done:${t.completionStatus}`),
    });
    await controller.broadcastAndWait(task);
    expect(calls).toEqual(['before:a', 'after:a', 'result:a', 'done:ok']);
  });
});

describe('Controller: bad input', () => {
  it('rejects malformed tasks and options with coded errors', () => {
    const { controller } = setup(['a']);
    expectCode(() => createTask({ name: '', data: data() }), WorkflowErrorCode.INVALID_TASK);
    expectCode(() => createTask({ name: 't', data: data(), timeoutMs: -1 }), WorkflowErrorCode.INVALID_TASK);
    expectCode(() => controller.broadcast(createTask({ name: 't', data: data() }), { targets: ['a', 'a'] }), WorkflowErrorCode.INVALID_OPTIONS);
    expectCode(() => controller.broadcast(createTask({ name: 't', data: data() }), { targets: ['a'], minResponses: 2 }), WorkflowErrorCode.INVALID_OPTIONS);
    expectCode(() => controller.send(createTask({ name: 't', data: data() }), { targets: [] }), WorkflowErrorCode.INVALID_OPTIONS);
    expectCode(
      () => controller.send(createTask({ name: 't', data: data() }), { targets: ['a'], sendOrder: 'random' as 'any' }),
      WorkflowErrorCode.INVALID_OPTIONS,
    );
    expectCode(() => controller.relay(createTask({ name: 't', data: data() }), { targets: [], dynamicTargets: false }), WorkflowErrorCode.INVALID_OPTIONS);
  });

  it('refuses to schedule a task twice, or without a host', () => {
    const { controller } = setup(['a']);
    const task = createTask({ name: 't', data: data() });
    controller.broadcast(task);
    expectCode(() => controller.broadcast(task), WorkflowErrorCode.TASK_ALREADY_SCHEDULED);
    expectCode(() => new TestController().broadcast(createTask({ name: 't', data: data() })), WorkflowErrorCode.NOT_ATTACHED);
  });

  it('a task whose options were rejected can still be scheduled', () => {
    const { host, controller } = setup(['a']);
    const task = createTask({ name: 't', data: data() });
    expectCode(() => controller.broadcast(task, { minResponses: -1 }), WorkflowErrorCode.INVALID_OPTIONS);
    controller.broadcast(task);
    expect(host.pushedTo()).toEqual(['a']);
  });
});
