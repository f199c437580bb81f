import { crc32 } from 'node:zlib';
import type { Connection } from '../driver.js';
import { CommErrorCode } from '../errors.js';
import { InprocDriver } from '../inproc/inproc-driver.js';
import { BufferSink } from '../streaming/buffer-sink.js';
import { frameReader, text } from '../testing/driver-cases.js';
import { until } from '../testing/recording-sink.js';
import { decodeFrame } from '../wire/decode-frame.js';
import { encodeFrame } from '../wire/encode-frame.js';
import { FrameKind } from '../wire/wire-frame.js';
import type { OutgoingFrame, WireFrame } from '../wire/wire-frame.js';
import { Messenger } from './messenger.js';
import type { MessengerOptions } from './messenger-options.js';

const TRANSFER = '00112233445566778899aabbccddeeff';

/** A messenger on the listening side and a raw connection to it that the test writes frames on by hand. */
async function rawPeer(options: MessengerOptions = {}): Promise<{
  readonly messenger: Messenger;
  readonly raw: Connection;
  readonly send: (frame: OutgoingFrame | Uint8Array) => Promise<void>;
  readonly next: () => Promise<WireFrame | undefined>;
  readonly close: () => Promise<void>;
}> {
  const driver = new InprocDriver();
  const messenger = new Messenger(options);
  const listener = await driver.listen({ onConnection: (connection) => messenger.attach(connection) });
  const raw = await driver.connect({ host: '127.0.0.1', port: listener.port });
  const read = frameReader(raw);
  return {
    messenger,
    raw,
    send: (frame) => raw.send(frame instanceof Uint8Array ? frame : encodeFrame(frame)),
    next: async () => {
      const bytes = await read();
      return bytes === undefined ? undefined : decodeFrame(bytes);
    },
    close: async () => {
      await messenger.close();
      await raw.close();
      await listener.close();
    },
  };
}

function open(window: number, totalBytes: number, chunkBytes = 100): OutgoingFrame {
  return { kind: FrameKind.STREAM_OPEN, transferId: TRANSFER, resume: false, totalBytes, chunkBytes, window, channel: '', topic: 't', meta: [] };
}

function chunk(index: number, data: Uint8Array, crc = crc32(data)): OutgoingFrame {
  return { kind: FrameKind.STREAM_CHUNK, transferId: TRANSFER, index, crc, data: [data] };
}

describe('a messenger facing a peer that breaks the protocol', () => {
  let peer: Awaited<ReturnType<typeof rawPeer>> | undefined;

  afterEach(async () => {
    await peer?.close();
    peer = undefined;
  });

  async function expectViolation(reason: RegExp): Promise<void> {
    const closed = await peer?.raw.closed;
    expect(closed?.by).toBe('remote');
    expect(closed?.error?.code).toBe(CommErrorCode.PROTOCOL_VIOLATION);
    expect(closed?.error?.message).toMatch(reason);
    expect(peer?.messenger.stats().protocolViolations).toBe(1);
    expect(peer?.messenger.connected).toBe(false);
  }

  it.each([
    ['a frame too short for a header', Uint8Array.of(1), /too short for a header/],
    ['an unknown wire version', Uint8Array.of(9, 1, 0, 0, 0, 0), /wire version 9/],
    ['an unknown frame kind', Uint8Array.of(1, 77), /unknown frame kind 77/],
    ['a truncated request', Uint8Array.of(1, 2, 1, 0, 0), /request id needs 8 bytes/],
    ['a topic that is not UTF-8', Uint8Array.of(1, 1, 0, 0, 2, 0, 0xc3, 0x28), /topic is not valid UTF-8/],
  ])('closes the connection on %s', async (_name, bytes, reason) => {
    peer = await rawPeer();
    await peer.send(bytes);
    await expectViolation(reason);
  });

  it('closes the connection when chunks exceed the window', async () => {
    peer = await rawPeer();
    let release: () => void = () => undefined;
    peer.messenger.handleStream('t', ({ totalBytes }) => {
      const sink = new BufferSink({ byteLength: totalBytes, maxBytes: 1000 });
      return { write: async (data, offset) => new Promise<void>((resolve) => (release = () => resolve(sink.write(data, offset)))), complete: () => sink.complete(), abort: (error) => sink.abort(error) };
    });
    await peer.send(open(2, 500));
    expect(await peer.next()).toMatchObject({ kind: FrameKind.STREAM_ACK, accept: true, nextIndex: 0 });
    for (let index = 0; index < 3; index += 1) await peer.send(chunk(index, new Uint8Array(100).fill(index)));
    await expectViolation(/chunk 2 exceeds the window of 2 \(0 stored\)/);
    release();
  });

  it('closes the connection on a chunk that arrives before the transfer was accepted', async () => {
    peer = await rawPeer();
    let accept: () => void = () => undefined;
    const accepted = new Promise<void>((resolve) => (accept = resolve));
    peer.messenger.handleStream('t', async ({ totalBytes }) => {
      await accepted;
      return new BufferSink({ byteLength: totalBytes, maxBytes: 1000 });
    });
    await peer.send(open(8, 500));
    await peer.send(chunk(0, new Uint8Array(100)));
    await expectViolation(/chunk 0 arrived before the transfer was accepted on this connection/);
    accept();
  });

  it.each([
    ['out of order', chunk(1, new Uint8Array(100)), /chunk 1 arrived where chunk 0 was due/],
    ['of the wrong length', chunk(0, new Uint8Array(99)), /chunk 0 has 99 bytes, expected 100/],
    ['beyond the last one', chunk(5, new Uint8Array(100)), /chunk 5 is beyond the last chunk 4/],
  ])('closes the connection on a chunk %s', async (_name, frame, reason) => {
    peer = await rawPeer();
    peer.messenger.handleStream('t', ({ totalBytes }) => new BufferSink({ byteLength: totalBytes, maxBytes: 1000 }));
    await peer.send(open(8, 500));
    expect(await peer.next()).toMatchObject({ kind: FrameKind.STREAM_ACK, accept: true, nextIndex: 0 });
    await peer.send(frame);
    await expectViolation(reason);
  });

  it('answers a whole-payload CRC mismatch with STREAM_ABORT and keeps the connection', async () => {
    peer = await rawPeer();
    const sinks: BufferSink[] = [];
    peer.messenger.handleStream('t', ({ totalBytes }) => {
      const sink = new BufferSink({ byteLength: totalBytes, maxBytes: 1000 });
      sinks.push(sink);
      return sink;
    });
    await peer.send(open(4, 150));
    expect(await peer.next()).toMatchObject({ kind: FrameKind.STREAM_ACK, accept: true });
    await peer.send(chunk(0, new Uint8Array(100).fill(1)));
    await peer.send(chunk(1, new Uint8Array(50).fill(2)));
    expect(await peer.next()).toMatchObject({ kind: FrameKind.STREAM_ACK, accept: false, nextIndex: 1 });
    expect(await peer.next()).toMatchObject({ kind: FrameKind.STREAM_ACK, accept: false, nextIndex: 2 });
    await peer.send({ kind: FrameKind.STREAM_END, transferId: TRANSFER, crc: 12345 });
    expect(await peer.next()).toMatchObject({ kind: FrameKind.STREAM_ABORT, transferId: TRANSFER, code: CommErrorCode.CHECKSUM_MISMATCH });
    await expect(sinks[0]?.result).rejects.toMatchObject({ code: CommErrorCode.CHECKSUM_MISMATCH });
    expect(peer.messenger.connected).toBe(true);
  });

  it('closes the connection when a transfer id is opened twice', async () => {
    peer = await rawPeer();
    peer.messenger.handleStream('t', ({ totalBytes }) => new BufferSink({ byteLength: totalBytes, maxBytes: 1000 }));
    await peer.send(open(4, 100));
    await peer.send(open(4, 100));
    await expectViolation(/opened twice/);
  });

  it('closes the connection when the receiver acknowledges chunks that were never sent', async () => {
    peer = await rawPeer();
    const report = peer.messenger.stream({ topic: 'up', parts: [new Uint8Array(5000)] });
    const opened = await peer.next();
    expect(opened).toMatchObject({ kind: FrameKind.STREAM_OPEN, totalBytes: 5000 });
    await peer.send({ kind: FrameKind.STREAM_ACK, transferId: opened?.kind === FrameKind.STREAM_OPEN ? opened.transferId : '', accept: true, nextIndex: 3 });
    await expectViolation(/asked to resume at chunk 3, but only 0 were ever sent/);
    await peer.messenger.close();
    await expect(report).rejects.toMatchObject({ code: CommErrorCode.ABORTED });
  });

  it('ignores replies to requests it never made, counting them', async () => {
    peer = await rawPeer();
    await peer.send({ kind: FrameKind.REPLY, id: 99, body: [text('stray')] });
    await peer.send({ kind: FrameKind.REPLY_ERROR, id: 98, code: 'X', message: 'stray' });
    await until(() => peer?.messenger.stats().lateReplies === 2);
    expect(peer.messenger.connected).toBe(true);
  });

  it('closes the connection with PEER_NOT_READING when the peer never reads its answers', async () => {
    peer = await rawPeer({ maxQueuedControlFrames: 8 });
    for (let index = 0; index < 100 && peer.messenger.connected; index += 1) {
      const transferId = index.toString(16).padStart(32, '0');
      await peer.send({ kind: FrameKind.STREAM_END, transferId, crc: 0 }).catch(() => undefined);
    }
    const closed = await peer.raw.closed;
    expect(closed.error?.code).toBe(CommErrorCode.PEER_NOT_READING);
  });
});
