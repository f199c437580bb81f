import { CommErrorCode } from './errors.js';
import { asText, DRIVER_CASES, frameReader, openPair, rejectionOf, text } from './testing/driver-cases.js';
import type { OpenPair } from './testing/driver-cases.js';

describe.each(DRIVER_CASES)('$name driver', (testCase) => {
  let pair: OpenPair | undefined;

  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  it('carries frames both ways, whole and in order, single or in parts', async () => {
    pair = await openPair(testCase);
    const fromClient = frameReader(pair.server);
    const fromServer = frameReader(pair.client);
    await pair.client.send(text('one'));
    await pair.client.send([text('t'), new Uint8Array(0), text('wo')]);
    await pair.client.send(new Uint8Array(0));
    await pair.server.send([text('three'), text('!')]);
    expect(asText(await fromClient())).toBe('one');
    expect(asText(await fromClient())).toBe('two');
    expect(await fromClient()).toHaveLength(0);
    expect(asText(await fromServer())).toBe('three!');
  });

  it('keeps order across many frames sent without waiting', async () => {
    pair = await openPair(testCase);
    const read = frameReader(pair.server);
    const sends = Array.from({ length: 200 }, (_, index) => pair?.client.send(text(String(index))));
    const received: (string | undefined)[] = [];
    for (let index = 0; index < 200; index += 1) received.push(asText(await read()));
    await Promise.all(sends);
    expect(received).toEqual(Array.from({ length: 200 }, (_, index) => String(index)));
  });

  it('copies frames, so the sender may reuse its buffer at once', async () => {
    pair = await openPair(testCase);
    const read = frameReader(pair.server);
    const buffer = text('original');
    const sent = pair.client.send(buffer);
    buffer.fill(0);
    await sent;
    const received = await read();
    expect(received === undefined ? undefined : received.buffer === buffer.buffer).toBe(false);
  });

  it('names the peer by its certificate', async () => {
    pair = await openPair(testCase, { site: 'site-2' });
    expect(pair.server.peerIdentity).toBe('site-2');
    expect(pair.client.peerIdentity).toBe('server');
    expect(pair.client.driver).toBe(testCase.name);
  });

  it('refuses to send a frame over maxFrameBytes', async () => {
    pair = await openPair(testCase, { connect: { maxFrameBytes: 4096 } });
    const error = await rejectionOf(pair.client.send([new Uint8Array(4000), new Uint8Array(97)]));
    expect(error.code).toBe(CommErrorCode.FRAME_TOO_LARGE);
    expect(error.message).toContain('4097 bytes exceeds maxFrameBytes 4096');
    await pair.client.send(new Uint8Array(4096));
  });

  it('drops the connection when the peer sends a frame over the receiving limit', async () => {
    pair = await openPair(testCase, { listen: { maxFrameBytes: 8192 }, connect: { maxFrameBytes: 65_536 } });
    await pair.client.send(new Uint8Array(8192)).catch(() => undefined);
    await pair.client.send(new Uint8Array(8193)).catch(() => undefined);
    const reason = await pair.server.closed;
    expect(reason.error?.code).toBe(CommErrorCode.FRAME_TOO_LARGE);
    expect((await pair.client.closed).by).toBe('remote');
  });

  it('closes in order from the client: the server sees a remote close without error', async () => {
    pair = await openPair(testCase);
    const read = frameReader(pair.server);
    await pair.client.send(text('last words'));
    await pair.client.close();
    expect(await pair.client.closed).toEqual({ by: 'local', error: undefined });
    expect(asText(await read())).toBe('last words');
    expect(await read()).toBeUndefined();
    expect(await pair.server.closed).toEqual({ by: 'remote', error: undefined });
  });

  it('closes in order from the server: the client sees a remote close without error', async () => {
    pair = await openPair(testCase);
    await pair.server.close();
    expect((await pair.client.closed).by).toBe('remote');
    expect((await pair.client.closed).error).toBeUndefined();
    const error = await rejectionOf(pair.client.send(text('too late')));
    expect(error.code).toBe(CommErrorCode.CONNECTION_CLOSED);
  });

  it('tells the peer the code of the error it closed with', async () => {
    pair = await openPair(testCase);
    const { commError } = await import('./errors.js');
    await pair.server.close(commError(CommErrorCode.PROTOCOL_VIOLATION, 'bad frame kind 99'));
    const reason = await pair.client.closed;
    expect(reason.by).toBe('remote');
    expect(reason.error?.code).toBe(CommErrorCode.PROTOCOL_VIOLATION);
    expect(reason.error?.message).toContain('bad frame kind 99');
  });

  it('ends the reader and fails sends after close, and close is idempotent', async () => {
    pair = await openPair(testCase);
    const read = frameReader(pair.client);
    await Promise.all([pair.client.close(), pair.client.close()]);
    expect(await read()).toBeUndefined();
    expect((await rejectionOf(pair.client.send(text('x')))).code).toBe(CommErrorCode.CONNECTION_CLOSED);
  });

  it('closes every accepted connection when the listener closes', async () => {
    pair = await openPair(testCase);
    const second = await pair.reconnect('site-2');
    await pair.listener.close();
    expect((await pair.client.closed).by).toBe('remote');
    expect((await second.client.closed).by).toBe('remote');
    expect((await pair.server.closed).by).toBe('local');
  });

  it('refuses to connect where nothing listens', async () => {
    pair = await openPair(testCase);
    const port = pair.listener.port;
    await pair.listener.close();
    const driver = testCase.make();
    const { clientTls } = await import('./testing/tls-fixtures.js');
    const error = await rejectionOf(driver.connect({ host: '127.0.0.1', port, tls: clientTls('site-1'), connectTimeoutMs: 5000 }));
    expect(error.code).toBe(CommErrorCode.CONNECT_FAILED);
  });
});
