import { Client, credentials, Metadata } from '@grpc/grpc-js';
import { randomBytes } from 'node:crypto';
import { connect as tlsConnect } from 'node:tls';
import type { Connection, Driver, Listener } from './driver.js';
import { GrpcDriver } from './grpc/grpc-driver.js';
import { Messenger } from './messenger/messenger.js';
import { BufferSink } from './streaming/buffer-sink.js';
import { asText, frameReader, text } from './testing/driver-cases.js';
import { heapAfterGc } from './testing/heap-after-gc.js';
import { until } from './testing/recording-sink.js';
import { SeededRandom } from './testing/seeded-random.js';
import { clientTls, serverTls, tlsFixture } from './testing/tls-fixtures.js';
import { decodeFrame } from './wire/decode-frame.js';
import { encodeFrame } from './wire/encode-frame.js';
import { FrameKind } from './wire/wire-frame.js';
import type { OutgoingFrame } from './wire/wire-frame.js';
import { WsDriver } from './ws/ws-driver.js';

const SEED = 20_240_611;
/** Largest payload the fuzzed listener accepts; hostile frames may declare far more. */
const MAX_PAYLOAD_BYTES = 1 << 20;
/**
 * Heap the listener's process may keep after hundreds of hostile connections, once garbage is collected:
 * a little for V8's and the drivers' caches, nothing that grows with the number of frames or connections.
 */
const HEAP_GROWTH_BOUND_BYTES = 4 * 1024 * 1024;

/** Valid frames of every kind, as starting points for mutation. */
function sampleFrames(random: SeededRandom): Uint8Array[] {
  const transferId = Buffer.from(random.bytes(16)).toString('hex');
  const frames: OutgoingFrame[] = [
    { kind: FrameKind.MESSAGE, channel: 'job', topic: 'echo', body: [random.bytes(8)] },
    { kind: FrameKind.REQUEST, id: random.below(1000), channel: '', topic: 'echo', body: [random.bytes(8)] },
    { kind: FrameKind.REPLY, id: random.below(1000), body: [] },
    { kind: FrameKind.REPLY_ERROR, id: 7, code: 'X', message: 'y' },
    {
      kind: FrameKind.STREAM_OPEN,
      transferId,
      resume: random.below(2) === 1,
      totalBytes: random.below(4) === 0 ? 2 ** 40 + random.below(10_000) : random.below(10_000),
      chunkBytes: 1 + random.below(4096),
      window: 1 + random.below(8),
      channel: '',
      topic: 'blob',
      meta: [],
    },
    { kind: FrameKind.STREAM_ACK, transferId, accept: random.below(2) === 1, nextIndex: random.below(10) },
    { kind: FrameKind.STREAM_CHUNK, transferId, index: random.below(4), crc: random.nextU32(), data: [random.bytes(random.below(64))] },
    { kind: FrameKind.STREAM_END, transferId, crc: random.nextU32() },
    { kind: FrameKind.STREAM_DONE, transferId },
    { kind: FrameKind.STREAM_ABORT, transferId, code: 'E', message: 'm' },
  ];
  return frames.map((frame) => Buffer.concat(encodeFrame(frame)));
}

/** A random, mutated, truncated or extended frame. */
function hostileFrame(random: SeededRandom): Uint8Array {
  const base = Uint8Array.from(random.pick(sampleFrames(random)));
  switch (random.below(5)) {
    case 0:
      return random.bytes(random.below(80));
    case 1:
      for (let flips = 1 + random.below(4); flips > 0; flips -= 1) base[random.below(base.byteLength)] = random.nextU32() & 0xff;
      return base;
    case 2:
      return base.subarray(0, random.below(base.byteLength));
    case 3:
      return Buffer.concat([base, random.bytes(1 + random.below(32))]);
    default:
      return base;
  }
}

describe.each([
  { name: 'grpc', make: (): Driver => new GrpcDriver() },
  { name: 'ws', make: (): Driver => new WsDriver() },
])('the $name listener under fuzzing', ({ name, make }) => {
  const driver = make();
  const messengers: Messenger[] = [];
  /** Protocol violations counted by the messengers of connections that have closed. */
  let protocolViolations = 0;
  let listener: Listener;

  beforeAll(async () => {
    listener = await driver.listen({
      tls: serverTls(),
      onConnection: (connection) => {
        const messenger = new Messenger({ maxInboundWindow: 8 });
        messenger.handle('echo', ({ body }) => body);
        messenger.handleStream('blob', ({ totalBytes }) => new BufferSink({ byteLength: totalBytes, maxBytes: MAX_PAYLOAD_BYTES }));
        messengers.push(messenger);
        messenger.attach(connection);
        void connection.closed.then(async () => {
          protocolViolations += messenger.stats().protocolViolations;
          const index = messengers.indexOf(messenger);
          if (index >= 0) messengers.splice(index, 1);
          await messenger.close();
        });
      },
    });
  });

  afterAll(async () => {
    await Promise.all([...messengers].map((messenger) => messenger.close()));
    await listener.close();
  });

  async function expectStillServing(): Promise<void> {
    const connection = await driver.connect({ host: '127.0.0.1', port: listener.port, tls: clientTls('site-2') });
    const client = new Messenger();
    client.attach(connection);
    expect(asText(await client.request({ topic: 'echo', body: text(`still serving over ${name}`) }))).toBe(`still serving over ${name}`);
    await client.close();
  }

  it('survives random and malformed messenger frames from an authenticated peer, and its heap stays bounded', async () => {
    const random = new SeededRandom(SEED);
    const dial = async (): Promise<{ readonly connection: Connection; readonly read: () => Promise<Uint8Array | undefined> }> => {
      const connection = await driver.connect({ host: '127.0.0.1', port: listener.port, tls: clientTls('site-1') });
      return { connection, read: frameReader(connection) };
    };
    let peer = await dial();
    let survived = 0;
    let dropped = 0;
    let heapBefore = 0;
    for (let iteration = 0; iteration < 400; iteration += 1) {
      if (iteration === 100) {
        await until(() => messengers.length === 1);
        heapBefore = heapAfterGc();
      }
      const probeId = 1_000_000 + iteration;
      await peer.connection.send(hostileFrame(random)).catch(() => undefined);
      await peer.connection.send(encodeFrame({ kind: FrameKind.REQUEST, id: probeId, channel: '', topic: 'echo', body: [] })).catch(() => undefined);
      let answered = false;
      for (let bytes = await peer.read(); bytes !== undefined; bytes = await peer.read()) {
        const frame = decodeFrame(bytes);
        if (frame.kind === FrameKind.REPLY && frame.id === probeId) {
          answered = true;
          break;
        }
      }
      if (answered) {
        survived += 1;
        continue;
      }
      dropped += 1;
      expect((await peer.connection.closed).error?.code).toMatch(/PROTOCOL_VIOLATION|FRAME_TOO_LARGE/);
      peer = await dial();
    }
    await peer.connection.close();
    await until(() => messengers.length === 0);
    const heapGrowth = heapAfterGc() - heapBefore;
    expect(dropped).toBeGreaterThan(40);
    expect(survived).toBeGreaterThan(40);
    expect(protocolViolations).toBe(dropped);
    expect(heapGrowth).toBeLessThan(HEAP_GROWTH_BOUND_BYTES);
    await expectStillServing();
  }, 60_000);

  it('survives raw bytes written on a TLS connection', async () => {
    const random = new SeededRandom(SEED + 1);
    for (let iteration = 0; iteration < 20; iteration += 1) {
      const socket = tlsConnect({
        host: '127.0.0.1',
        port: listener.port,
        ca: tlsFixture('ca.crt'),
        cert: tlsFixture('site-1.crt'),
        key: tlsFixture('site-1.key'),
        ALPNProtocols: [name === 'grpc' ? 'h2' : 'http/1.1'],
      });
      socket.on('error', () => undefined);
      await new Promise<void>((resolve) => socket.once('secureConnect', () => resolve()).once('close', () => resolve()));
      const preface = iteration % 2 === 0 ? Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n') : Buffer.from('GET /hearth/v1/frames HTTP/1.1\r\n');
      socket.write(Buffer.concat([preface, random.bytes(1 + random.below(2000))]));
      socket.resume();
      socket.end();
      await new Promise<void>((resolve) => (socket.closed ? resolve() : socket.once('close', () => resolve())));
    }
    await expectStillServing();
  }, 30_000);

  if (name === 'grpc') {
    it('survives gRPC messages that are not valid Frame messages', async () => {
      const random = new SeededRandom(SEED + 2);
      const ssl = credentials.createSsl(Buffer.from(tlsFixture('ca.crt')), Buffer.from(tlsFixture('site-1.key')), Buffer.from(tlsFixture('site-1.crt')));
      for (let iteration = 0; iteration < 20; iteration += 1) {
        const client = new Client(`127.0.0.1:${listener.port}`, ssl, { 'grpc.use_local_subchannel_pool': 1 });
        const call = client.makeBidiStreamRequest('/hearth.comm.v1.FrameStream/Connect', (bytes: Buffer) => bytes, (bytes: Buffer) => bytes, new Metadata());
        const status = new Promise<number>((resolve) => call.once('status', (report: { code: number }) => resolve(report.code)));
        call.on('error', () => undefined);
        call.on('data', () => undefined);
        const payload = Buffer.concat([Uint8Array.of(random.pick([0x0a, 0x12, 0x08, 0xff])), random.bytes(random.below(40))]);
        call.write(payload);
        expect(await status).not.toBe(0);
        client.close();
      }
      await expectStillServing();
    }, 30_000);
  }

  if (name === 'ws') {
    it('survives invalid WebSocket frames after the upgrade', async () => {
      const random = new SeededRandom(SEED + 3);
      for (let iteration = 0; iteration < 20; iteration += 1) {
        const socket = tlsConnect({
          host: '127.0.0.1',
          port: listener.port,
          ca: tlsFixture('ca.crt'),
          cert: tlsFixture('site-1.crt'),
          key: tlsFixture('site-1.key'),
          ALPNProtocols: ['http/1.1'],
        });
        socket.on('error', () => undefined);
        let response = '';
        socket.on('data', (data: Buffer) => (response += data.toString('latin1')));
        await new Promise<void>((resolve) => socket.once('secureConnect', () => resolve()));
        socket.write(
          'GET /hearth/v1/frames HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
            `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
        await until(() => response.includes('\r\n\r\n') || socket.closed);
        expect(response.startsWith('HTTP/1.1 101')).toBe(true);
        const textFrame = Uint8Array.of(0x81, 0x85, 1, 2, 3, 4, 0x69, 0x67, 0x6f, 0x68, 0x6e);
        socket.write(iteration % 3 === 0 ? textFrame : random.bytes(2 + random.below(200)));
        socket.end();
        await new Promise<void>((resolve) => (socket.closed ? resolve() : socket.once('close', () => resolve())));
      }
      await expectStillServing();
    }, 30_000);
  }
});
