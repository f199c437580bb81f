import { createHash } from 'node:crypto';
import { createServer } from 'node:tls';
import type { Server, TLSSocket } from 'node:tls';
import { until } from '../testing/recording-sink.js';
import { clientTls, tlsFixture } from '../testing/tls-fixtures.js';
import { WsDriver } from './ws-driver.js';

/** The GUID RFC 6455 appends to Sec-WebSocket-Key for the accept hash. */
const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

describe('ws client frames on the wire', () => {
  let server: Server;
  let port = 0;
  let received = Buffer.alloc(0);
  const sockets: TLSSocket[] = [];

  beforeAll(async () => {
    const options = { cert: tlsFixture('server.crt'), key: tlsFixture('server.key'), ca: tlsFixture('ca.crt'), requestCert: true, rejectUnauthorized: true };
    server = createServer(options, (socket) => {
      sockets.push(socket);
      let request = '';
      socket.on('data', (data: Buffer) => {
        if (!request.includes('\r\n\r\n')) {
          request += data.toString('latin1');
          const key = /sec-websocket-key: *(\S+)/i.exec(request)?.[1];
          if (key === undefined || !request.includes('\r\n\r\n')) return;
          const accept = createHash('sha1').update(`${key}${WS_GUID}`).digest('base64');
          socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
          return;
        }
        received = Buffer.concat([received, data]);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('are masked with the all-zero key, so the payload crosses untouched and uncopied', async () => {
    const connection = await new WsDriver().connect({ host: '127.0.0.1', port, tls: clientTls('site-1') });
    const payload = Buffer.from('a frame whose bytes must arrive as they were sent');
    await connection.send(payload);
    await until(() => received.byteLength >= 2 + 4 + payload.byteLength);
    const [first = 0, second = 0] = received;
    expect(first).toBe(0x82);
    expect(second).toBe(0x80 | payload.byteLength);
    expect([...received.subarray(2, 6)]).toEqual([0, 0, 0, 0]);
    expect(received.subarray(6, 6 + payload.byteLength).toString()).toBe(payload.toString());
    for (const socket of sockets) socket.destroy();
    await connection.closed;
  });
});
