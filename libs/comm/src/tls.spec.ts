import type { Connection, Driver, Listener } from './driver.js';
import { CommErrorCode } from './errors.js';
import { GrpcDriver } from './grpc/grpc-driver.js';
import { rejectionOf } from './testing/driver-cases.js';
import { clientTls, serverTls, tlsFixture } from './testing/tls-fixtures.js';
import { WsDriver } from './ws/ws-driver.js';

describe.each([
  { name: 'grpc', make: (): Driver => new GrpcDriver() },
  { name: 'ws', make: (): Driver => new WsDriver() },
])('$name over TLS', ({ make }) => {
  const driver = make();
  const accepted: Connection[] = [];
  let mutual: Listener;
  let serverOnly: Listener;

  beforeAll(async () => {
    mutual = await driver.listen({ tls: serverTls(), onConnection: (connection) => accepted.push(connection) });
    serverOnly = await driver.listen({ tls: serverTls({ requireClientCert: false }), onConnection: (connection) => accepted.push(connection) });
  });

  afterAll(async () => {
    await Promise.all([mutual.close(), serverOnly.close()]);
  });

  it('refuses a client without a certificate when client certificates are required', async () => {
    const error = await rejectionOf(driver.connect({ host: '127.0.0.1', port: mutual.port, tls: clientTls() }));
    expect(error.code).toBe(CommErrorCode.AUTH_FAILED);
    expect(error.message).toContain('requires a client certificate and none was presented');
  });

  it('refuses a client whose certificate comes from another CA', async () => {
    const error = await rejectionOf(driver.connect({ host: '127.0.0.1', port: mutual.port, tls: clientTls('other-site-1') }));
    expect(error.code).toBe(CommErrorCode.AUTH_FAILED);
    expect(error.message).toMatch(/client certificate/);
  });

  it('refuses a server whose certificate the client does not trust', async () => {
    const error = await rejectionOf(driver.connect({ host: '127.0.0.1', port: mutual.port, tls: clientTls('site-1', 'other-ca.crt') }));
    expect(error.code).toBe(CommErrorCode.AUTH_FAILED);
    expect(error.message).toContain('server certificate is not issued by the CA in tls.ca');
  });

  it('refuses a server certificate that does not name the expected host', async () => {
    const tls = { ...clientTls('site-1'), serverName: 'fl.example.org' };
    const error = await rejectionOf(driver.connect({ host: '127.0.0.1', port: mutual.port, tls }));
    expect(error.code).toBe(CommErrorCode.AUTH_FAILED);
    expect(error.message).toContain('does not name the dialled host');
  });

  it('accepts a name the certificate does carry (localhost)', async () => {
    const connection = await driver.connect({ host: 'localhost', port: mutual.port, tls: clientTls('site-1') });
    expect(connection.peerIdentity).toBe('server');
    await connection.close();
  });

  it('lets clients without certificates in when mutual TLS is off, with no identity', async () => {
    const before = accepted.length;
    const connection = await driver.connect({ host: '127.0.0.1', port: serverOnly.port, tls: clientTls() });
    await connection.send(new Uint8Array([1]));
    expect(connection.peerIdentity).toBe('server');
    await connection.close();
    expect(accepted.length).toBe(before + 1);
    expect(accepted[before]?.peerIdentity).toBeUndefined();
  });

  it('requires TLS options on both sides', async () => {
    expect((await rejectionOf(driver.listen({ onConnection: () => undefined }))).code).toBe(CommErrorCode.INVALID_OPTIONS);
    expect((await rejectionOf(driver.connect({ host: '127.0.0.1', port: mutual.port }))).code).toBe(CommErrorCode.INVALID_OPTIONS);
    const halfIdentity = { ca: tlsFixture('ca.crt'), cert: tlsFixture('site-1.crt') };
    expect((await rejectionOf(driver.connect({ host: '127.0.0.1', port: mutual.port, tls: halfIdentity }))).code).toBe(CommErrorCode.INVALID_OPTIONS);
    const noCa = { cert: tlsFixture('server.crt'), key: tlsFixture('server.key') };
    expect((await rejectionOf(driver.listen({ tls: noCa, onConnection: () => undefined }))).message).toContain('tls.ca is required');
    const notPem = { ...serverTls(), cert: 'not a certificate' };
    expect((await rejectionOf(driver.listen({ tls: notPem, onConnection: () => undefined }))).message).toContain('tls.cert must be PEM');
  });

  it('fails to listen on a port that is taken', async () => {
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const error = await rejectionOf(driver.listen({ port: mutual.port, tls: serverTls(), onConnection: () => undefined }));
    quiet.mockRestore();
    expect(error.code).toBe(CommErrorCode.LISTEN_FAILED);
    expect(error.message).toContain(`127.0.0.1:${mutual.port}`);
  });
});
