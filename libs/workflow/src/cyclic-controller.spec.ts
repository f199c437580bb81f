import { DataKind, Dxo, ReturnCode, Shareable, TaskCompletionStatus, f64 } from '@hearth/core';
import type { FLComponent } from '@hearth/core';
import type { PushTaskRequest } from './controller-host.js';
import { CyclicController } from './cyclic-controller.js';
import type { CyclicControllerArgs } from './cyclic-controller.js';
import { WorkflowErrorCode } from './errors.js';
import { FakeHost } from './testing/fake-host.js';
import { MemoryPersistor, firstWeight } from './testing/toy-components.js';

const CLIENTS = ['a', 'b', 'c', 'd', 'e'];

/** Each client adds 1 to what it received, as a WEIGHT_DIFF. */
const addOne = (): Shareable => Shareable.fromDxo(new Dxo({ kind: DataKind.WEIGHT_DIFF, params: new Map([['w', f64([1], [1])]]) }));

async function runCyclic(args: CyclicControllerArgs, reply: (request: PushTaskRequest) => Shareable | undefined = addOne) {
  const persistor = new MemoryPersistor([0]);
  const host = new FakeHost({ clients: CLIENTS, components: new Map<string, FLComponent>([['persistor', persistor]]), reply });
  const cyclic = host.attach(new CyclicController(args));
  const ctx = host.newContext();
  cyclic.start(ctx);
  await cyclic.run(ctx, new AbortController().signal);
  return { host, cyclic, persistor };
}

describe('CyclicController', () => {
  it('fixed order: the model visits the clients in join order every round, each update feeding the next', async () => {
    const { host, cyclic, persistor } = await runCyclic({ numRounds: 2 });
    expect(host.pushedTo()).toEqual([...CLIENTS, ...CLIENTS]);
    expect(host.pushed.map((r) => firstWeight(r.data))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(firstWeight(Shareable.fromDxo(cyclic.globalModel!))).toBe(10);
    expect(cyclic.history.map((s) => s.clients)).toEqual([CLIENTS, CLIENTS]);
    expect(persistor.saves).toEqual([
      { tag: 'last', w: 5 },
      { tag: 'last', w: 10 },
      { tag: 'final', w: 10 },
    ]);
  });

  it('random order: every round is a permutation, and the same seed gives the same orders', async () => {
    const first = await runCyclic({ numRounds: 3, order: 'random', seed: 7 });
    const again = await runCyclic({ numRounds: 3, order: 'random', seed: 7 });
    const other = await runCyclic({ numRounds: 3, order: 'random', seed: 8 });
    const rounds = (order: string[]): string[][] => [order.slice(0, 5), order.slice(5, 10), order.slice(10, 15)];
    const orders = rounds(first.host.pushedTo());
    for (const round of orders) expect([...round].sort()).toEqual(CLIENTS);
    expect(again.host.pushedTo()).toEqual(first.host.pushedTo());
    expect(other.host.pushedTo()).not.toEqual(first.host.pushedTo());
    expect(orders.some((round) => round.join() !== CLIENTS.join())).toBe(true);
    expect(firstWeight(Shareable.fromDxo(first.cyclic.globalModel!))).toBe(15);
  });

  it('passes the model on unchanged past a client that fails', async () => {
    const reply = (request: PushTaskRequest): Shareable =>
      request.client === 'c' ? Shareable.withReturnCode(ReturnCode.EXECUTION_EXCEPTION) : addOne();
    const { host, cyclic } = await runCyclic({ numRounds: 1 }, reply);
    expect(host.pushed.map((r) => firstWeight(r.data))).toEqual([0, 1, 2, 2, 3]);
    expect(cyclic.history[0]!.clients).toEqual(['a', 'b', 'd', 'e']);
  });

  it('fails the round when the relay does not end ok', async () => {
    const persistor = new MemoryPersistor([0]);
    const host = new FakeHost({ clients: ['a'], components: new Map<string, FLComponent>([['persistor', persistor]]) });
    const cyclic = host.attach(new CyclicController({ numRounds: 1 }));
    const ctx = host.newContext();
    cyclic.start(ctx);
    const running = cyclic.run(ctx, new AbortController().signal);
    await new Promise((resolve) => setImmediate(resolve));
    host.kill('a');
    await expect(running).rejects.toMatchObject({ code: WorkflowErrorCode.TASK_FAILED, context: { status: TaskCompletionStatus.CLIENT_DEAD } });
  });

  it('rejects an unknown order', () => {
    expect(() => new CyclicController({ order: 'shuffled' as 'random' })).toThrow(expect.objectContaining({ code: WorkflowErrorCode.INVALID_ARGS }));
  });
});
