import { WebSocket } from 'ws';
import type { Connection, Listener } from '../driver.js';
import { CommErrorCode } from '../errors.js';
import { serverTls, tlsFixture } from '../testing/tls-fixtures.js';
import { WsDriver } from './ws-driver.js';

describe('ws liveness and message types', () => {
  const driver = new WsDriver({ heartbeatIntervalMs: 20 });
  const accepted: Connection[] = [];
  let listener: Listener;

  beforeAll(async () => {
    listener = await driver.listen({ tls: serverTls(), onConnection: (connection) => accepted.push(connection) });
  });

  afterAll(async () => {
    await listener.close();
  });

  function rawClient(options: { readonly autoPong: boolean }): Promise<WebSocket> {
    const socket = new WebSocket(`wss://127.0.0.1:${listener.port}/hearth/v1/frames`, {
      ca: tlsFixture('ca.crt'),
      cert: tlsFixture('site-1.crt'),
      key: tlsFixture('site-1.key'),
      autoPong: options.autoPong,
    });
    socket.on('error', () => undefined);
    return new Promise((resolve) => socket.once('open', () => resolve(socket)));
  }

  it('terminates a peer that stops answering pings with HEARTBEAT_TIMEOUT', async () => {
    const before = accepted.length;
    const socket = await rawClient({ autoPong: false });
    const closedByServer = new Promise<number>((resolve) => socket.once('close', (code: number) => resolve(code)));
    while (accepted.length === before) await new Promise((resolve) => setImmediate(resolve));
    const reason = await accepted[before]?.closed;
    expect(reason?.by).toBe('local');
    expect(reason?.error?.code).toBe(CommErrorCode.HEARTBEAT_TIMEOUT);
    expect(reason?.error?.message).toContain('did not answer a ping within 20 ms');
    expect(await closedByServer).toBe(1006);
  });

  it('keeps a peer that answers pings, over many heartbeat intervals', async () => {
    const before = accepted.length;
    const socket = await rawClient({ autoPong: true });
    let pings = 0;
    await new Promise<void>((resolve) =>
      socket.on('ping', () => {
        pings += 1;
        if (pings === 5) resolve();
      }),
    );
    const server = accepted[before];
    const received = new Promise<Buffer>((resolve) => socket.once('message', (data: Buffer) => resolve(data)));
    await server?.send(new Uint8Array([7]));
    expect([...(await received)]).toEqual([7]);
    socket.close();
    expect((await server?.closed)?.error).toBeUndefined();
  });

  it('closes the connection when the peer sends a text message', async () => {
    const before = accepted.length;
    const socket = await rawClient({ autoPong: true });
    while (accepted.length === before) await new Promise((resolve) => setImmediate(resolve));
    socket.send('hello');
    const reason = await accepted[before]?.closed;
    expect(reason?.error?.code).toBe(CommErrorCode.PROTOCOL_VIOLATION);
    expect(reason?.error?.message).toContain('sent a text message');
    socket.terminate();
  });
});
