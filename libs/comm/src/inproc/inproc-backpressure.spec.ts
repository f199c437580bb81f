import type { Connection } from '../driver.js';
import { CommErrorCode } from '../errors.js';
import { frameReader, rejectionOf, text } from '../testing/driver-cases.js';
import { nextTurn } from '../testing/recording-sink.js';
import { InprocDriver } from './inproc-driver.js';

describe('inproc driver', () => {
  it('holds sends while the peer has not read its backlog, and releases them as it reads', async () => {
    const driver = new InprocDriver();
    let server: Connection | undefined;
    const listener = await driver.listen({ onConnection: (connection) => (server = connection) });
    const client = await driver.connect({ host: '127.0.0.1', port: listener.port, identity: 'site-1' });
    let settled = 0;
    const sends = Array.from({ length: 40 }, (_, index) => client.send(text(String(index))).then(() => (settled += 1)));
    await nextTurn();
    expect(settled).toBeLessThan(40);
    expect(settled).toBeGreaterThanOrEqual(15);
    const read = frameReader(server as Connection);
    for (let index = 0; index < 40; index += 1) await read();
    await Promise.all(sends);
    expect(settled).toBe(40);
    await listener.close();
  });

  it('fails held sends when the connection closes', async () => {
    const driver = new InprocDriver();
    let server: Connection | undefined;
    const listener = await driver.listen({ onConnection: (connection) => (server = connection) });
    const client = await driver.connect({ host: '127.0.0.1', port: listener.port });
    const sends = Array.from({ length: 40 }, () => client.send(new Uint8Array(1)).then(() => 'sent', (error: { code?: string }) => error.code));
    await nextTurn();
    await server?.close();
    const outcomes = await Promise.all(sends);
    expect(outcomes.filter((outcome) => outcome === CommErrorCode.CONNECTION_CLOSED).length).toBeGreaterThan(0);
    expect(outcomes.filter((outcome) => outcome !== 'sent' && outcome !== CommErrorCode.CONNECTION_CLOSED)).toEqual([]);
    await listener.close();
  });

  it('refuses a second listener on the same address, and port 0 picks distinct ports', async () => {
    const driver = new InprocDriver();
    const first = await driver.listen({ onConnection: () => undefined });
    const second = await driver.listen({ onConnection: () => undefined });
    expect(second.port).not.toBe(first.port);
    expect((await rejectionOf(driver.listen({ port: first.port, onConnection: () => undefined }))).code).toBe(CommErrorCode.LISTEN_FAILED);
    await Promise.all([first.close(), second.close()]);
    expect((await rejectionOf(driver.connect({ host: '127.0.0.1', port: first.port }))).code).toBe(CommErrorCode.CONNECT_FAILED);
  });
});
