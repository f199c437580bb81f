import { CommErrorCode, commError } from '../errors.js';
import { DRIVER_CASES, asText, rejectionOf, text } from '../testing/driver-cases.js';
import { messengerPair } from '../testing/messenger-pair.js';
import type { MessengerPair } from '../testing/messenger-pair.js';
import type { IncomingMessage } from './messenger-types.js';
import { Messenger } from './messenger.js';

const INPROC = DRIVER_CASES.find((testCase) => testCase.name === 'inproc') ?? DRIVER_CASES[0];
if (INPROC === undefined) throw new Error('no driver cases');

describe.each(DRIVER_CASES)('Messenger over $name', (testCase) => {
  let pair: MessengerPair | undefined;

  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  it('answers requests both ways and delivers fire-and-forget messages with channel and identity', async () => {
    pair = await messengerPair(testCase, { site: 'site-2' });
    const seen: IncomingMessage[] = [];
    const delivered = new Promise<void>((resolve) => {
      pair?.server.handle('status', (message) => {
        seen.push(message);
        resolve();
        return undefined;
      });
    });
    pair.server.handle('echo', ({ body, channel, peerIdentity }) => [text(`${channel}/${String(peerIdentity)}:`), body]);
    pair.client.handle('ping', () => text('pong'));
    await pair.client.send({ channel: 'job-7', topic: 'status', body: text('running') });
    expect(asText(await pair.client.request({ channel: 'job-7', topic: 'echo', body: [text('he'), text('llo')] }))).toBe('job-7/site-2:hello');
    expect(asText(await pair.server.request({ topic: 'ping' }))).toBe('pong');
    await delivered;
    expect(seen.map((message) => [message.channel, message.topic, asText(message.body), message.peerIdentity])).toEqual([
      ['job-7', 'status', 'running', 'site-2'],
    ]);
    expect(pair.server.peerIdentity).toBe('site-2');
  });
});

describe('Messenger', () => {
  let pair: MessengerPair | undefined;

  afterEach(async () => {
    jest.useRealTimers();
    await pair?.close();
    pair = undefined;
  });

  it('matches replies to requests by correlation id, whatever order they come back in', async () => {
    pair = await messengerPair(INPROC);
    const gates = new Map<string, () => void>();
    pair.server.handle('slow', async ({ body }) => {
      await new Promise<void>((resolve) => gates.set(asText(body) ?? '', resolve));
      return body;
    });
    const replies = ['a', 'b', 'c'].map((name) => pair?.client.request({ topic: 'slow', body: text(name) }));
    while (gates.size < 3) await new Promise((resolve) => setImmediate(resolve));
    for (const name of ['c', 'a', 'b']) gates.get(name)?.();
    expect((await Promise.all(replies)).map(asText)).toEqual(['a', 'b', 'c']);
  });

  it('fails a request with TIMEOUT when no reply comes in time, and counts the late reply', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    pair = await messengerPair(INPROC);
    let release: () => void = () => undefined;
    pair.server.handle('never', () => new Promise((resolve) => (release = () => resolve(text('late')))));
    const reply = pair.client.request({ topic: 'never', timeoutMs: 1000 });
    const failure = rejectionOf(reply);
    await jest.advanceTimersByTimeAsync(999);
    expect(pair.client.stats().lateReplies).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    const error = await failure;
    expect(error.code).toBe(CommErrorCode.TIMEOUT);
    expect(error.message).toBe('no reply to the request on topic "never" within 1000 ms');
    release();
    while (pair.client.stats().lateReplies === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(jest.getTimerCount()).toBe(0);
  });

  it('carries the handler error code back as REMOTE_ERROR', async () => {
    pair = await messengerPair(INPROC);
    pair.server.handle('fail', () => {
      throw commError(CommErrorCode.LIMIT_EXCEEDED, 'model too large for this site');
    });
    pair.server.handle('throw-plain', () => {
      throw new TypeError('cannot read x of undefined');
    });
    const error = await rejectionOf(pair.client.request({ topic: 'fail' }));
    expect(error.code).toBe(CommErrorCode.REMOTE_ERROR);
    expect(error.context?.['remoteCode']).toBe(CommErrorCode.LIMIT_EXCEEDED);
    expect(error.message).toContain('model too large for this site');
    const plain = await rejectionOf(pair.client.request({ topic: 'throw-plain' }));
    expect(plain.context?.['remoteCode']).toBe(CommErrorCode.REMOTE_ERROR);
    expect(plain.message).toContain('cannot read x of undefined');
  });

  it('answers NO_HANDLER for unknown topics and BUSY when all handler slots are taken', async () => {
    pair = await messengerPair(INPROC, { server: { maxConcurrentHandlers: 1 } });
    expect((await rejectionOf(pair.client.request({ topic: 'nobody' }))).code).toBe(CommErrorCode.NO_HANDLER);
    let release: () => void = () => undefined;
    pair.server.handle('hold', () => new Promise((resolve) => (release = () => resolve(undefined))));
    const held = pair.client.request({ topic: 'hold' });
    while (pair.server.stats().framesReceived < 2) await new Promise((resolve) => setImmediate(resolve));
    const busy = await rejectionOf(pair.client.request({ topic: 'hold' }));
    expect(busy.code).toBe(CommErrorCode.BUSY);
    release();
    expect(await held).toHaveLength(0);
  });

  it('fails pending requests with CONNECTION_CLOSED when the connection breaks, and NOT_CONNECTED after', async () => {
    pair = await messengerPair(INPROC);
    let aborted = false;
    pair.server.handle('hang', ({ signal }) => new Promise((resolve) => signal.addEventListener('abort', () => ((aborted = true), resolve(undefined)))));
    const reply = pair.client.request({ topic: 'hang' });
    while (pair.server.stats().framesReceived < 1) await new Promise((resolve) => setImmediate(resolve));
    await pair.transport.server.close();
    const error = await rejectionOf(reply);
    expect(error.code).toBe(CommErrorCode.CONNECTION_CLOSED);
    expect(aborted).toBe(true);
    expect(pair.client.connected).toBe(false);
    expect((await rejectionOf(pair.client.send({ topic: 'x' }))).code).toBe(CommErrorCode.NOT_CONNECTED);
  });

  it('follows the caller AbortSignal', async () => {
    pair = await messengerPair(INPROC);
    pair.server.handle('hang', () => new Promise(() => undefined));
    const controller = new AbortController();
    const reply = pair.client.request({ topic: 'hang', signal: controller.signal });
    controller.abort();
    expect((await rejectionOf(reply)).code).toBe(CommErrorCode.ABORTED);
    expect((await rejectionOf(pair.client.request({ topic: 'hang', signal: controller.signal }))).code).toBe(CommErrorCode.ABORTED);
  });

  it('refuses bodies that do not fit a frame, and replies that do not fit come back as FRAME_TOO_LARGE', async () => {
    pair = await messengerPair(INPROC, { listen: { maxFrameBytes: 4096 }, connect: { maxFrameBytes: 4096 } });
    pair.server.handle('big-reply', () => new Uint8Array(5000));
    const tooBig = await rejectionOf(pair.client.send({ topic: 'x', body: new Uint8Array(4096) }));
    expect(tooBig.code).toBe(CommErrorCode.FRAME_TOO_LARGE);
    expect(tooBig.message).toContain('stream large payloads with stream()');
    const reply = await rejectionOf(pair.client.request({ topic: 'big-reply' }));
    expect(reply.code).toBe(CommErrorCode.FRAME_TOO_LARGE);
  });

  it('pins the peer identity: a connection of another site cannot take over', async () => {
    pair = await messengerPair(INPROC, { site: 'site-1' });
    const other = await pair.transport.reconnect('site-2');
    const error = (() => {
      try {
        pair?.server.attach(other.server);
        return undefined;
      } catch (caught) {
        return caught as { code?: string };
      }
    })();
    expect(error?.code).toBe(CommErrorCode.PEER_MISMATCH);
    expect(pair.server.connected).toBe(true);
    const pinned = new Messenger({ peerIdentity: 'site-9' });
    expect(() => pinned.attach(other.server)).toThrow('cannot serve the messenger of site-9');
    await pinned.close();
  });

  it('replaces the connection on attach and keeps serving', async () => {
    pair = await messengerPair(INPROC);
    pair.server.handle('echo', ({ body }) => body);
    const first = pair.transport.client;
    await pair.reconnect();
    expect((await first.closed).error).toBeUndefined();
    expect(asText(await pair.client.request({ topic: 'echo', body: text('again') }))).toBe('again');
  });

  it('checks its options and its arguments', async () => {
    expect(() => new Messenger({ window: 0 })).toThrow('window must be an integer from 1 to 65535, got 0');
    expect(() => new Messenger({ chunkBytes: 1.5 })).toThrow('chunkBytes must be an integer');
    pair = await messengerPair(INPROC);
    pair.server.handle('t', () => undefined);
    expect(() => pair?.server.handle('t', () => undefined)).toThrow('topic "t" already has a handler');
    expect((await rejectionOf(pair.client.send({ topic: '' }))).code).toBe(CommErrorCode.INVALID_OPTIONS);
    expect((await rejectionOf(pair.client.send({ topic: 'x'.repeat(300) }))).message).toContain('at most 256 are allowed');
  });

  it('closes idempotently, failing what is pending with ABORTED', async () => {
    pair = await messengerPair(INPROC);
    pair.server.handle('hang', () => new Promise(() => undefined));
    const reply = pair.client.request({ topic: 'hang' });
    await Promise.all([pair.client.close(), pair.client.close()]);
    expect((await rejectionOf(reply)).code).toBe(CommErrorCode.ABORTED);
    expect((await rejectionOf(pair.client.send({ topic: 'x' }))).code).toBe(CommErrorCode.ABORTED);
    expect(() => pair?.client.attach(pair.transport.client)).toThrow('the messenger is closed');
  });
});
