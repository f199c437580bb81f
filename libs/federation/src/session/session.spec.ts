import { InprocDriver } from '@hearth/comm';
import { isHearthError, silentLogger } from '@hearth/core';
import type { HearthError } from '@hearth/core';
import { FederationErrorCode, federationError } from '../errors.js';
import { BreakableDriver } from '../testing/breakable-driver.js';
import type { Hello } from './handshake.js';
import { SessionClient } from './session-client.js';
import { SessionServer } from './session-server.js';

const TOKENS: Record<string, string> = { 'site-1': 'secret-1', 'site-2': 'secret-2' };

function authenticate(hello: Hello): string {
  if (TOKENS[hello.site] === undefined || TOKENS[hello.site] !== hello.token) {
    throw federationError(FederationErrorCode.AUTH_FAILED, `bad login for ${hello.site}`);
  }
  return hello.site;
}

interface Harness {
  readonly driver: BreakableDriver;
  readonly server: SessionServer;
  readonly events: string[];
  /** Resolves at the next event whose text is `text`. */
  readonly next: (text: string) => Promise<void>;
  readonly clients: SessionClient[];
  readonly client: (site: string, token?: string, onLost?: (error: HearthError) => void) => SessionClient;
  readonly port: () => number;
}

let harness: Harness;

function makeHarness(options: { readonly port?: number } = {}): Harness {
  const driver = new BreakableDriver(new InprocDriver());
  const events: string[] = [];
  const waiting = new Map<string, () => void>();
  const record = (text: string): void => {
    events.push(text);
    waiting.get(text)?.();
    waiting.delete(text);
  };
  const server = new SessionServer({
    driver,
    ...(options.port === undefined ? {} : { port: options.port }),
    heartbeatIntervalMs: 20,
    deadAfterMs: 200,
    logger: silentLogger(),
    authenticate,
    setup: (session) => session.messenger.handle('echo', (message) => message.body),
    onJoined: (session) => record(`joined:${session.site}`),
    onLeft: (session, reason) => record(`${reason}:${session.site}`),
  });
  const clients: SessionClient[] = [];
  let port = options.port ?? 0;
  return {
    driver,
    server,
    events,
    clients,
    next: (text) => new Promise<void>((resolve) => waiting.set(text, resolve)),
    port: () => port || (port = server.port),
    client: (site, token = TOKENS[site], onLost) => {
      const client = new SessionClient({
        driver,
        host: '127.0.0.1',
        port: port || (port = server.port),
        site,
        ...(token === undefined ? {} : { token }),
        backoff: { initialDelayMs: 5, maxDelayMs: 20 },
        logger: silentLogger(),
        ...(onLost === undefined ? {} : { onLost }),
      });
      clients.push(client);
      return client;
    },
  };
}

afterEach(async () => {
  await Promise.all(harness.clients.map((client) => client.close()));
  await harness.server.close();
});

const echo = async (client: SessionClient, text: string): Promise<string> =>
  new TextDecoder().decode(await client.messenger.request({ topic: 'echo', body: new TextEncoder().encode(text) }));

describe('SessionServer and SessionClient', () => {
  it('logs a site in, binds the session to it and serves requests', async () => {
    harness = makeHarness();
    await harness.server.listen();
    const client = harness.client('site-1');
    await client.start();
    expect(harness.events).toEqual(['joined:site-1']);
    expect(await echo(client, 'hi')).toBe('hi');
    expect(harness.server.session('site-1')?.messenger.peerIdentity).toBe('site-1');
  });

  it('resumes the same session after the connection breaks: no left or joined, requests work again', async () => {
    harness = makeHarness();
    await harness.server.listen();
    const client = harness.client('site-1');
    await client.start();
    const session = harness.server.session('site-1');
    await harness.driver.breakLatest();
    await client.whenConnected();
    expect(await echo(client, 'again')).toBe('again');
    expect(harness.driver.dialled.length).toBeGreaterThanOrEqual(2);
    expect(harness.server.session('site-1')).toBe(session);
    expect(harness.events).toEqual(['joined:site-1']);
  });

  it('declares a client dead once it stays away for the grace period', async () => {
    harness = makeHarness();
    await harness.server.listen();
    const client = harness.client('site-1');
    await client.start();
    const dead = harness.next('dead:site-1');
    await client.close();
    await dead;
    expect(harness.events).toEqual(['joined:site-1', 'dead:site-1']);
    expect(harness.server.session('site-1')).toBeUndefined();
  });

  it('does not declare a client dead because this process was too busy to read its heartbeats', async () => {
    harness = makeHarness();
    await harness.server.listen();
    const client = harness.client('site-1');
    await client.start();
    const busyUntil = Date.now() + 400;
    while (Date.now() < busyUntil) {
      // the event loop is blocked for twice the grace period, as by a long synchronous computation
    }
    expect(await echo(client, 'still here')).toBe('still here');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(harness.events).toEqual(['joined:site-1']);
  });

  it('ends the session at once, as left, when the client says goodbye', async () => {
    harness = makeHarness();
    await harness.server.listen();
    const client = harness.client('site-2');
    await client.start();
    const left = harness.next('left:site-2');
    await client.leave();
    await left;
    expect(harness.events).toEqual(['joined:site-2', 'left:site-2']);
  });

  it('treats a login with a new session id as a restart: the old session is dead, the new one joins', async () => {
    harness = makeHarness();
    await harness.server.listen();
    const first = harness.client('site-1');
    await first.start();
    const rejoined = harness.next('joined:site-1');
    const second = harness.client('site-1');
    await second.start();
    await rejoined;
    expect(harness.events.slice(0, 3)).toEqual(['joined:site-1', 'dead:site-1', 'joined:site-1']);
    expect(await echo(second, 'new')).toBe('new');
  });

  it('keeps dialling with backoff until the server listens', async () => {
    harness = makeHarness({ port: 50_123 });
    const client = harness.client('site-1');
    const started = client.start();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(client.connected).toBe(false);
    await harness.server.listen();
    await started;
    expect(harness.events).toEqual(['joined:site-1']);
  });

  it('gives up on a refused login: start rejects with AUTH_FAILED, onLost fires, nothing joins', async () => {
    harness = makeHarness();
    await harness.server.listen();
    const lost: HearthError[] = [];
    const client = harness.client('site-1', 'wrong', (error) => lost.push(error));
    let thrown: unknown;
    try {
      await client.start();
    } catch (err) {
      thrown = err;
    }
    expect(isHearthError(thrown, FederationErrorCode.AUTH_FAILED)).toBe(true);
    expect((thrown as Error).message).toContain('bad login for site-1');
    expect(lost.map((e) => e.code)).toEqual([FederationErrorCode.AUTH_FAILED]);
    expect(harness.events).toEqual([]);
  });

  it('refuses a hello that breaks the schema and names the problem', async () => {
    harness = makeHarness();
    await harness.server.listen();
    const raw = await harness.driver.connect({ host: '127.0.0.1', port: harness.port() });
    await raw.send(new TextEncoder().encode(JSON.stringify({ hearth: 'hello', version: 1, site: '../etc', session: 'abcdefgh1' })));
    const answers: string[] = [];
    for await (const frame of raw) answers.push(new TextDecoder().decode(frame));
    expect(answers).toHaveLength(1);
    expect(JSON.parse(answers[0] ?? '{}')).toMatchObject({ hearth: 'refused', code: FederationErrorCode.HANDSHAKE_FAILED });
    expect(answers[0]).toContain('$.site');
  });
});
