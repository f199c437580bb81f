import { Worker } from 'node:worker_threads';
import { Writable } from 'node:stream';
import { createLogger } from '@hearth/core';
import type { Logger } from '@hearth/core';
import { WorkerChannel } from './worker-channel.js';

const FIXTURE = new URL('../../fixtures/scripted-worker.mjs', import.meta.url);

function captureLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ name: 'channel-spec', destination }), lines };
}

describe('WorkerChannel', () => {
  const channels: WorkerChannel[] = [];
  function open(): { channel: WorkerChannel; worker: Worker; lines: Record<string, unknown>[] } {
    const closing = new SharedArrayBuffer(4);
    const worker = new Worker(FIXTURE, { workerData: { closing } });
    const { logger, lines } = captureLogger();
    const channel = new WorkerChannel({ worker, closing: new Int32Array(closing), label: 'scripted', logger });
    channels.push(channel);
    return { channel, worker, lines };
  }
  afterEach(async () => {
    await Promise.all(channels.splice(0).map((c) => c.close()));
  });

  it('correlates replies with requests and passes worker errors back as replies', async () => {
    const { channel } = open();
    const [a, b, failed] = await Promise.all([
      channel.request({ kind: 'echo', value: 'a' }),
      channel.request({ kind: 'echo', value: new Float32Array([1, 2]) }),
      channel.request({ kind: 'fail' }),
    ]);
    expect(a).toEqual({ ok: true, value: 'a' });
    expect(b).toEqual({ ok: true, value: new Float32Array([1, 2]) });
    expect(failed).toEqual({ ok: false, error: 'asked to fail' });
  });

  it('moves transferred buffers to the worker', async () => {
    const { channel } = open();
    const data = new Float64Array([1, 2, 3]);
    const reply = await channel.request({ kind: 'echo', value: data }, [data.buffer]);
    expect(data.length).toBe(0);
    expect(reply).toEqual({ ok: true, value: new Float64Array([1, 2, 3]) });
  });

  it('fails every pending and later request when the worker exits', async () => {
    const { channel, lines } = open();
    const waiting = channel.request({ kind: 'silent' });
    const exiting = channel.request({ kind: 'exit', code: 7 });
    for (const pending of [waiting, exiting]) {
      await expect(pending).rejects.toMatchObject({
        code: 'HEARTH_ERR_ORT_WORKER_CRASHED',
        message: 'scripted worker exited unexpectedly with code 7',
      });
    }
    await expect(channel.request({ kind: 'echo', value: 1 })).rejects.toMatchObject({ code: 'HEARTH_ERR_ORT_WORKER_CRASHED' });
    expect(lines).toEqual([expect.objectContaining({ level: 50, msg: 'session worker crashed', pending: 2 })]);
  });

  it('fails pending requests with the error that killed the worker', async () => {
    const { channel } = open();
    const waiting = channel.request({ kind: 'silent' });
    await channel.request({ kind: 'throw' }).catch(() => undefined);
    const err = await waiting.catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'HEARTH_ERR_ORT_WORKER_CRASHED', message: 'scripted worker failed: scripted crash' });
    expect((err as Error).cause).toMatchObject({ message: 'scripted crash' });
  });

  it('closes gracefully: pending requests fail as closed, the worker exits, close is idempotent', async () => {
    const { channel, worker } = open();
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    const waiting = channel.request({ kind: 'silent' });
    const first = channel.close();
    expect(channel.close()).toBe(first);
    await expect(waiting).rejects.toMatchObject({ code: 'HEARTH_ERR_ORT_RUNNER_CLOSED' });
    await first;
    expect(await exited).toBe(0);
    expect(worker.threadId).toBe(-1);
    await expect(channel.request({ kind: 'echo', value: 1 })).rejects.toMatchObject({ code: 'HEARTH_ERR_ORT_RUNNER_CLOSED' });
  });

  it('closes a channel whose worker already died', async () => {
    const { channel, worker } = open();
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    await expect(channel.request({ kind: 'exit', code: 1 })).rejects.toMatchObject({ code: 'HEARTH_ERR_ORT_WORKER_CRASHED' });
    await exited;
    await channel.close();
  });
});
