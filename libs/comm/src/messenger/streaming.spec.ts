import { DataKind, Dxo, paramMapsEqual, Shareable, tensor, zeros } from '@hearth/core';
import type { ParamMap, Tensor } from '@hearth/core';
import { decodeShareable, encodeShareableParts } from '@hearth/codec';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commError, CommErrorCode } from '../errors.js';
import { BufferSink } from '../streaming/buffer-sink.js';
import { FileSink } from '../streaming/file-sink.js';
import { DRIVER_CASES, rejectionOf, text } from '../testing/driver-cases.js';
import type { DriverCase } from '../testing/driver-cases.js';
import { messengerPair } from '../testing/messenger-pair.js';
import { Messenger } from './messenger.js';
import type { MessengerOptions } from './messenger-options.js';
import type { MessengerPair } from '../testing/messenger-pair.js';
import { RecordingSink, sameBytes, unevenParts, until } from '../testing/recording-sink.js';
import { TamperingConnection } from '../testing/tampering-connection.js';

const MiB = 1024 * 1024;

function driverCase(name: DriverCase['name']): DriverCase {
  const found = DRIVER_CASES.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no driver case ${name}`);
  return found;
}

/** A 64 MiB model: one large F32 tensor and a few small ones. */
function bigModel(): ParamMap {
  const weights = zeros('F32', [4096, 4096]);
  for (let index = 0; index < weights.data.length; index += 1) weights.data[index] = (index % 9973) * 0.25 - 7;
  const bias = tensor('F32', [4096], Float32Array.from({ length: 4096 }, (_, index) => index / 3));
  return new Map<string, Tensor>([
    ['layer.weight', weights],
    ['layer.bias', bias],
    ['step', tensor('I64', [1], BigInt64Array.of(42n))],
  ]);
}

describe('streaming a 64 MiB model over grpc', () => {
  let pair: MessengerPair | undefined;

  afterAll(async () => {
    await pair?.close();
  });

  it('arrives intact, in 1 MiB chunks, with sender and receiver never past the window', async () => {
    const window = 4;
    pair = await messengerPair(driverCase('grpc'), { client: { window }, server: { maxInboundWindow: window } });
    const params = bigModel();
    const shareable = Shareable.fromDxo(new Dxo({ kind: DataKind.WEIGHTS, params }), { round: 3 });
    const parts = encodeShareableParts(shareable);
    const server = pair.server;
    const client = pair.client;
    let stalledAt: { readonly sent: number; readonly buffered: number } | undefined;
    const received = new Promise<{ sink: RecordingSink; buffers: Promise<Uint8Array[]> }>((resolve) => {
      server.handleStream('model', (incoming) => {
        const buffer = new BufferSink({ byteLength: incoming.totalBytes, maxBytes: 128 * MiB });
        const sink = new RecordingSink(buffer, async (offset) => {
          if (offset !== 0) return;
          await until(() => server.stats().peakChunksBuffered === window);
          stalledAt = { sent: client.stats().chunksSent, buffered: server.stats().peakChunksBuffered };
        });
        resolve({ sink, buffers: buffer.result });
        return sink;
      });
    });
    const report = await client.stream({ channel: 'job-1', topic: 'model', parts, meta: text('{"round":3}') });
    const { sink, buffers } = await received;

    const totalBytes = parts.reduce((sum, part) => sum + part.byteLength, 0);
    expect(totalBytes).toBeGreaterThan(64 * MiB);
    expect(report).toMatchObject({ totalBytes, chunks: Math.ceil(totalBytes / MiB), chunksResent: 0, resumes: 0 });
    expect(report.chunksSent).toBe(report.chunks);
    expect(stalledAt).toEqual({ sent: window, buffered: window });
    expect(report.peakChunksInFlight).toBe(window);
    expect(client.stats().peakChunksInFlight).toBe(window);
    expect(server.stats().peakChunksBuffered).toBe(window);
    expect(server.stats()).toMatchObject({ chunksStored: report.chunks, transfersReceived: 1, protocolViolations: 0 });
    expect(sink.offsets).toEqual(Array.from({ length: report.chunks }, (_, index) => index * MiB));
    const segments = await buffers;
    expect(segments).toHaveLength(1);
    const decoded = decodeShareable(segments[0] ?? new Uint8Array(0));
    expect(decoded.headers['round']).toBe(3);
    expect(decoded.dxo?.params === undefined ? false : paramMapsEqual(decoded.dxo.params, params)).toBe(true);
  }, 60_000);
});

describe.each(DRIVER_CASES)('a transfer over $name interrupted by a dead connection', (testCase) => {
  let pair: MessengerPair | undefined;

  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  it('resumes after reconnect from the first chunk the receiver had not stored', async () => {
    const window = 4;
    const totalBytes = 16 * MiB - 12_345;
    pair = await messengerPair(testCase, { client: { window } });
    const current = pair;
    const parts = unevenParts(totalBytes, 7);
    const killAt = 9 * MiB;
    let sentWhenKilled = -1;
    const buffer = new BufferSink({ byteLength: totalBytes, maxBytes: 64 * MiB });
    const sink = new RecordingSink(buffer, async (offset) => {
      if (offset !== killAt || sentWhenKilled !== -1) return;
      await current.transport.accepted.at(-1)?.close(commError(CommErrorCode.TRANSPORT, 'network cable pulled'));
      await current.transport.client.closed;
      await until(() => !current.client.connected && !current.server.connected);
      sentWhenKilled = current.client.stats().chunksSent;
    });
    current.server.handleStream('blob', () => sink);
    const report = current.client.stream({ topic: 'blob', parts });
    await until(() => sentWhenKilled !== -1);
    await current.reconnect();
    const result = await report;

    const resumedAt = killAt / MiB + 1;
    expect(result.resumes).toBe(1);
    expect(result.chunksResent).toBe(sentWhenKilled - resumedAt);
    expect(result.chunksResent).toBeLessThanOrEqual(window);
    expect(result.chunksSent).toBe(result.chunks + result.chunksResent);
    expect(current.client.stats().chunksResent).toBe(result.chunksResent);
    expect(sink.offsets).toEqual(Array.from({ length: result.chunks }, (_, index) => index * MiB));
    expect(sink.completed).toBe(true);
    expect(sameBytes(parts, await buffer.result)).toBe(true);
  }, 30_000);
});

describe('streaming', () => {
  const inproc = driverCase('inproc');
  let pair: MessengerPair | undefined;
  let directory: string | undefined;

  afterEach(async () => {
    await pair?.close();
    pair = undefined;
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
    directory = undefined;
  });

  it('cuts many small parts into chunks that span them, and an empty payload still completes', async () => {
    pair = await messengerPair(inproc, { client: { chunkBytes: 1000, window: 3 } });
    const buffers: BufferSink[] = [];
    pair.server.handleStream('parts', ({ totalBytes }) => {
      const sink = new BufferSink({ byteLength: totalBytes, maxBytes: MiB });
      buffers.push(sink);
      return sink;
    });
    const parts = [text('a'), new Uint8Array(0), new Uint8Array(2500).fill(7), text('tail'), new Uint8Array(999).fill(1)];
    const report = await pair.client.stream({ topic: 'parts', parts });
    expect(report).toMatchObject({ totalBytes: 3504, chunks: 4, chunksSent: 4 });
    expect(sameBytes(parts, await (buffers[0]?.result ?? Promise.resolve([])))).toBe(true);
    const empty = await pair.client.stream({ topic: 'parts', parts: [] });
    expect(empty).toMatchObject({ totalBytes: 0, chunks: 0, chunksSent: 0 });
    expect(await buffers[1]?.result).toEqual([new Uint8Array(0)]);
  });

  it('writes a payload to a file through FileSink, atomically', async () => {
    directory = await mkdtemp(join(tmpdir(), 'hearth-comm-'));
    const path = join(directory, 'model.safetensors');
    pair = await messengerPair(inproc, { client: { chunkBytes: 64 * 1024 } });
    const files: FileSink[] = [];
    pair.server.handleStream('file', ({ totalBytes }) => {
      const sink = new FileSink({ path, byteLength: totalBytes, maxBytes: 16 * MiB });
      files.push(sink);
      return sink;
    });
    const parts = unevenParts(3 * MiB + 17, 3);
    await pair.client.stream({ topic: 'file', parts });
    expect(await files[0]?.result).toBe(path);
    expect(sameBytes(parts, [await readFile(path)])).toBe(true);
    expect(await readdir(directory)).toEqual(['model.safetensors']);
  });

  it('fails the sender with TRANSFER_FAILED when the receiver refuses the size or has no handler', async () => {
    pair = await messengerPair(inproc);
    pair.server.handleStream('small-only', ({ totalBytes }) => new BufferSink({ byteLength: totalBytes, maxBytes: 1000 }));
    const tooBig = await rejectionOf(pair.client.stream({ topic: 'small-only', parts: [new Uint8Array(1001)] }));
    expect(tooBig.code).toBe(CommErrorCode.TRANSFER_FAILED);
    expect(tooBig.context?.['remoteCode']).toBe(CommErrorCode.LIMIT_EXCEEDED);
    expect(tooBig.message).toContain("payload of 1001 bytes exceeds the receiver's limit of 1000 bytes");
    const nobody = await rejectionOf(pair.client.stream({ topic: 'nobody', parts: [text('x')] }));
    expect(nobody.context?.['remoteCode']).toBe(CommErrorCode.NO_HANDLER);
  });

  it('refuses transfers beyond the receiver limits on window, chunk size and meta', async () => {
    pair = await messengerPair(inproc);
    const transport = pair.transport;
    const limits = { maxInboundWindow: 4, maxMetaBytes: 4, maxInboundChunkBytes: 1024 };
    const refusal = async (senderOptions: MessengerOptions, meta?: Uint8Array): Promise<string | undefined> => {
      const link = await transport.reconnect('site-1');
      const sender = new Messenger(senderOptions);
      const receiver = new Messenger(limits);
      receiver.handleStream('t', ({ totalBytes }) => new BufferSink({ byteLength: totalBytes, maxBytes: MiB }));
      sender.attach(link.client);
      receiver.attach(link.server);
      const error = await rejectionOf(sender.stream({ topic: 't', parts: [text('x')], ...(meta === undefined ? {} : { meta }) }));
      await Promise.all([sender.close(), receiver.close()]);
      expect(error.context?.['remoteCode']).toBe(CommErrorCode.LIMIT_EXCEEDED);
      return error.message;
    };
    expect(await refusal({ window: 8, chunkBytes: 1024 })).toContain('a window of 8 chunks exceeds maxInboundWindow 4');
    expect(await refusal({ window: 4, chunkBytes: 2048 })).toContain('chunks of 2048 bytes exceed maxInboundChunkBytes 1024');
    expect(await refusal({ window: 4, chunkBytes: 1024 }, text('12345'))).toContain('meta of 5 bytes exceeds maxMetaBytes 4');
  });

  it('detects a corrupted chunk by its CRC-32 and fails both sides with CHECKSUM_MISMATCH', async () => {
    let chunkFrames = 0;
    const corruptThirdChunk = (frame: Uint8Array): Uint8Array => {
      chunkFrames += frame[1] === 7 ? 1 : 0;
      if (frame[1] === 7 && chunkFrames === 3) frame[frame.byteLength - 1] = (frame[frame.byteLength - 1] ?? 0) ^ 0xff;
      return frame;
    };
    pair = await messengerPair(inproc, { client: { chunkBytes: 4096 }, wrapClient: (connection) => new TamperingConnection(connection, corruptThirdChunk) });
    const sinks: RecordingSink[] = [];
    pair.server.handleStream('t', ({ totalBytes }) => {
      const sink = new RecordingSink(new BufferSink({ byteLength: totalBytes, maxBytes: MiB }));
      sinks.push(sink);
      return sink;
    });
    const error = await rejectionOf(pair.client.stream({ topic: 't', parts: unevenParts(40_000, 5) }));
    expect(error.code).toBe(CommErrorCode.TRANSFER_FAILED);
    expect(error.context?.['remoteCode']).toBe(CommErrorCode.CHECKSUM_MISMATCH);
    expect(error.message).toContain('chunk 2 of transfer');
    await until(() => sinks[0]?.abortedWith !== undefined);
    expect(sinks[0]?.abortedWith?.code).toBe(CommErrorCode.CHECKSUM_MISMATCH);
    expect(sinks[0]?.completed).toBe(false);
  });

  it('cancels through the AbortSignal: the receiver discards the partial file', async () => {
    directory = await mkdtemp(join(tmpdir(), 'hearth-comm-'));
    const path = join(directory, 'partial.bin');
    pair = await messengerPair(inproc, { client: { chunkBytes: 1024, window: 2 } });
    const controller = new AbortController();
    const sinks: RecordingSink[] = [];
    pair.server.handleStream('t', ({ totalBytes }) => {
      const sink = new RecordingSink(new FileSink({ path, byteLength: totalBytes, maxBytes: MiB }), (offset) => {
        if (offset === 4096) controller.abort();
      });
      sinks.push(sink);
      return sink;
    });
    const error = await rejectionOf(pair.client.stream({ topic: 't', parts: [new Uint8Array(64 * 1024)], signal: controller.signal }));
    expect(error.code).toBe(CommErrorCode.ABORTED);
    await until(() => sinks[0]?.abortedWith !== undefined);
    expect(sinks[0]?.abortedWith?.context['remoteCode']).toBe(CommErrorCode.ABORTED);
    expect(await readdir(directory)).toEqual([]);
  });

  it('fails with TIMEOUT when no new connection comes within resumeTimeoutMs', async () => {
    pair = await messengerPair(inproc, { client: { chunkBytes: 1024, window: 1, resumeTimeoutMs: 20 } });
    const current = pair;
    pair.server.handleStream('t', ({ totalBytes }) => {
      return new RecordingSink(new BufferSink({ byteLength: totalBytes, maxBytes: MiB }), async (offset) => {
        if (offset === 2048) await current.transport.server.close();
      });
    });
    const error = await rejectionOf(pair.client.stream({ topic: 't', parts: [new Uint8Array(10 * 1024)] }));
    expect(error.code).toBe(CommErrorCode.TIMEOUT);
    expect(error.message).toContain('lost its connection and none came back within 20 ms');
  });

  it('starts over when the receiver dropped the partial state before the resume', async () => {
    pair = await messengerPair(inproc, { client: { chunkBytes: 1024, window: 2 }, server: { partialTtlMs: 1 } });
    const current = pair;
    const sinks: RecordingSink[] = [];
    let killed = false;
    pair.server.handleStream('t', ({ totalBytes }) => {
      const sink = new RecordingSink(new BufferSink({ byteLength: totalBytes, maxBytes: MiB }), async (offset) => {
        if (offset !== 4096 || killed) return;
        killed = true;
        await current.transport.server.close();
      });
      sinks.push(sink);
      return sink;
    });
    const report = pair.client.stream({ topic: 't', parts: unevenParts(12 * 1024, 9) });
    await until(() => sinks[0]?.abortedWith !== undefined);
    expect(sinks[0]?.abortedWith?.code).toBe(CommErrorCode.TIMEOUT);
    await current.reconnect();
    const result = await report;
    expect(sinks).toHaveLength(2);
    expect(sinks[1]?.offsets[0]).toBe(0);
    expect(sinks[1]?.completed).toBe(true);
    expect(result.resumes).toBe(1);
    expect(result.chunksSent).toBe(result.chunks + result.chunksResent);
  });

  it('completes a transfer whose confirmation was lost with the connection', async () => {
    pair = await messengerPair(inproc, { client: { chunkBytes: 1024 } });
    const current = pair;
    const completions: number[] = [];
    pair.server.handleStream('t', ({ totalBytes }) => {
      const buffer = new BufferSink({ byteLength: totalBytes, maxBytes: MiB });
      return {
        write: (chunk, offset) => buffer.write(chunk, offset),
        abort: (error) => buffer.abort(error),
        complete: async () => {
          buffer.complete();
          completions.push(completions.length);
          await current.transport.server.close();
        },
      };
    });
    const report = pair.client.stream({ topic: 't', parts: [new Uint8Array(5000)] });
    await until(() => !current.client.connected);
    await current.reconnect();
    const result = await report;
    expect(result.resumes).toBe(1);
    expect(result.chunksResent).toBe(0);
    expect(completions).toEqual([0]);
  });
});
