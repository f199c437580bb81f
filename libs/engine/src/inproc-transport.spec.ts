import { Shareable, isHearthError } from '@hearth/core';
import type { AnalyticsMessage } from './analytics-message.js';
import { EngineErrorCode } from './errors.js';
import { InProcServerTransport } from './inproc-transport.js';
import { cloneCodec } from './testing/clone-codec.js';
import { firstWeight, weights } from './testing/toy-components.js';
import type { ResultMessage, TaskMessage } from './transport.js';

function setup() {
  const transport = new InProcServerTransport({ codec: cloneCodec() });
  const heard: string[] = [];
  const results: Array<{ client: string; message: ResultMessage }> = [];
  const analytics: Array<{ client: string; message: AnalyticsMessage }> = [];
  transport.bind({
    clientJoined: (client) => heard.push(`joined:${client}`),
    clientLeft: (client, reason) => heard.push(`${reason}:${client}`),
    resultReceived: (client, message) => {
      heard.push(`result:${client}`);
      results.push({ client, message });
    },
    analyticsReceived: (client, message) => {
      heard.push(`analytics:${client}`);
      analytics.push({ client, message });
    },
  });
  return { transport, heard, results, analytics };
}

function listen(client: ReturnType<InProcServerTransport['connect']>) {
  const tasks: TaskMessage[] = [];
  const events: string[] = [];
  client.bind({
    taskReceived: (message) => tasks.push(message),
    taskRevoked: (taskId) => events.push(`revoked:${taskId}`),
    jobAborted: () => events.push('aborted'),
  });
  return { tasks, events };
}

describe('InProcServerTransport', () => {
  it('delivers copies both ways: neither end sees the other end mutate', async () => {
    const { transport, results } = setup();
    const site = transport.connect('a');
    const { tasks } = listen(site);
    await site.join();
    const data = Shareable.fromDxo(weights(1));
    await transport.pushTask('a', { taskName: 'train', taskId: 't1', data });
    expect(tasks).toHaveLength(1);
    const received = tasks[0]!.data;
    expect(received).not.toBe(data);
    (received.dxo!.requireParams().get('w')!.data as Float64Array)[0] = 5;
    expect(firstWeight(data)).toBe(1);
    const result = Shareable.fromDxo(weights(2));
    await site.submitResult({ taskName: 'train', taskId: 't1', result });
    expect(results).toHaveLength(1);
    expect(results[0]!.client).toBe('a');
    expect(results[0]!.message.result).not.toBe(result);
    expect(firstWeight(results[0]!.message.result)).toBe(2);
  });

  it('reports joins and goodbyes, and forwards revokes and job aborts', async () => {
    const { transport, heard } = setup();
    const site = transport.connect('a');
    const { events } = listen(site);
    await site.join();
    await transport.revokeTask('a', 't9');
    await transport.abortJob();
    await site.leave();
    expect(heard).toEqual(['joined:a', 'left:a']);
    expect(events).toEqual(['revoked:t9', 'aborted']);
  });

  it('a dead client hears nothing more and cannot submit', async () => {
    const { transport, heard } = setup();
    const site = transport.connect('a');
    const { tasks } = listen(site);
    await site.join();
    transport.markDead('a');
    expect(heard).toEqual(['joined:a', 'dead:a']);
    await expect(transport.pushTask('a', { taskName: 't', taskId: '1', data: new Shareable() })).rejects.toMatchObject({
      code: EngineErrorCode.UNKNOWN_CLIENT,
    });
    await expect(site.submitResult({ taskName: 't', taskId: '1', result: new Shareable() })).rejects.toMatchObject({
      code: EngineErrorCode.TRANSPORT_CLOSED,
    });
    expect(tasks).toHaveLength(0);
  });

  it('carries analytics as a copy, in order with results, and refuses them before join', async () => {
    const { transport, heard, analytics } = setup();
    const site = transport.connect('a');
    listen(site);
    const message: AnalyticsMessage = { points: [{ key: 'loss', value: 0.5, step: 7, round: 2, time: 1000 }], dropped: 3 };
    const early = await site.sendAnalytics(message).catch((err: unknown) => err);
    expect(isHearthError(early, EngineErrorCode.TRANSPORT_CLOSED)).toBe(true);
    await site.join();
    const sent = site.sendAnalytics(message);
    const submitted = site.submitResult({ taskName: 'train', taskId: 't1', result: Shareable.fromDxo(weights(2)) });
    await Promise.all([sent, submitted]);
    expect(heard).toEqual(['joined:a', 'analytics:a', 'result:a']);
    expect(analytics[0]!.message).toEqual(message);
    expect(analytics[0]!.message).not.toBe(message);
    expect(analytics[0]!.message.points[0]).not.toBe(message.points[0]);
  });

  it('rejects unknown clients, duplicate sites and use after close', async () => {
    const { transport } = setup();
    await expect(transport.pushTask('ghost', { taskName: 't', taskId: '1', data: new Shareable() })).rejects.toMatchObject({
      code: EngineErrorCode.UNKNOWN_CLIENT,
    });
    transport.connect('a');
    expect(() => transport.connect('a')).toThrow(expect.objectContaining({ code: EngineErrorCode.DUPLICATE_CLIENT }));
    await transport.close();
    expect(() => transport.connect('b')).toThrow(expect.objectContaining({ code: EngineErrorCode.TRANSPORT_CLOSED }));
  });
});
