import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GrpcDriver, InprocDriver, WsDriver } from '@hearth/comm';
import type { Driver } from '@hearth/comm';
import { readSafetensorsFile } from '@hearth/codec';
import { isHearthError, paramMapsEqual } from '@hearth/core';
import { createBuiltinRegistry } from '@hearth/components';
import { ClientEngine, MetricsWriter, ServerEngine } from '@hearth/engine';
import { loadJob } from '@hearth/job';
import { buildJobClientApp, buildJobServerApp, simulateJob } from '@hearth/runner';
import { FederationErrorCode } from '../errors.js';
import { hashToken } from '../internal/tokens.js';
import { HELLO_LINEAR_DIR } from '../testing/job-fixtures.js';
import { testClientTls, testServerTls } from '../testing/tls.js';
import { silentLogger } from '@hearth/core';
import { NetworkClientTransport } from './network-client-transport.js';
import { NetworkServerTransport } from './network-server-transport.js';

const SITES = ['site-1', 'site-2', 'site-3'];
const SEED = 7;

let workspace: string;
beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'hearth-net-transport-'));
});
afterEach(() => rm(workspace, { recursive: true, force: true }));

interface Case {
  readonly name: string;
  readonly make: () => Driver;
  readonly tls: boolean;
}

const inproc = new InprocDriver();
const CASES: readonly Case[] = [
  { name: 'grpc', make: () => new GrpcDriver(), tls: true },
  { name: 'ws', make: () => new WsDriver(), tls: true },
  { name: 'inproc', make: () => inproc, tls: false },
];

async function runOverNetwork(testCase: Case): Promise<{ status: string; modelPath: string; tokens: Map<string, string> }> {
  const registry = createBuiltinRegistry();
  const job = await loadJob(HELLO_LINEAR_DIR, { registry });
  const tokens = new Map(SITES.map((site) => [site, `token-of-${site}`]));
  const built = await buildJobServerApp({ job, registry, seed: SEED });
  const writer = new MetricsWriter({ dir: 'metrics' });
  writer.id = 'metrics_writer';
  const app = { ...built, components: new Map([...built.components, [writer.id, writer]]) };
  const driver = testCase.make();
  const transport = new NetworkServerTransport({
    driver,
    ...(testCase.tls ? { tls: testServerTls() } : {}),
    sites: new Map(SITES.map((site) => [site, hashToken(tokens.get(site) ?? '')])),
    heartbeatIntervalMs: 200,
    deadAfterMs: 5000,
    logger: silentLogger(),
  });
  const server = new ServerEngine({ app, transport, jobId: 'job-1', workspaceDir: join(workspace, 'server') });
  const port = await transport.listen();
  const joined = new Set<string>();
  const allJoined = new Promise<void>((resolve) => {
    server.subscribe((event) => {
      if (event.type !== 'client_connected') return;
      joined.add(String(event.ctx.get('peer_site')));
      if (joined.size === SITES.length) resolve();
    });
  });
  const ended: string[] = [];
  const clients = await Promise.all(
    SITES.map(async (site) => {
      const clientTransport = new NetworkClientTransport({
        driver,
        host: '127.0.0.1',
        port,
        ...(testCase.tls ? { tls: testClientTls() } : {}),
        site,
        token: tokens.get(site) ?? '',
        logger: silentLogger(),
        onJobEnd: (status) => ended.push(`${site}:${status}`),
      });
      const engine = new ClientEngine({
        site,
        jobId: 'job-1',
        app: await buildJobClientApp({ job, registry, seed: SEED, site }),
        transport: clientTransport,
        workspaceDir: join(workspace, site),
      });
      await engine.start();
      return { engine, clientTransport };
    }),
  );
  await allJoined;
  const outcome = await server.run();
  await transport.end(outcome.status);
  await transport.close();
  for (const { engine, clientTransport } of clients) {
    await engine.close();
    await clientTransport.close();
  }
  expect(ended.sort()).toEqual(SITES.map((site) => `${site}:completed`));
  return { status: outcome.status, modelPath: join(workspace, 'server/models/final.safetensors'), tokens };
}

describe.each(CASES)('network transports over $name', (testCase) => {
  it('runs hello-linear with three clients to the same final model as the simulator with the same seed', async () => {
    const network = await runOverNetwork(testCase);
    expect(network.status).toBe('completed');
    const simulated = await simulateJob({ jobDir: HELLO_LINEAR_DIR, clients: SITES, threads: 3, workspaceDir: join(workspace, 'sim'), seed: SEED });
    expect(simulated.modelPath).toBeDefined();
    const [a, b] = await Promise.all([readSafetensorsFile(network.modelPath), readSafetensorsFile(simulated.modelPath ?? '')]);
    expect(paramMapsEqual(a.params, b.params)).toBe(true);
  });
});

describe('network server transport logins', () => {
  it('refuses a wrong job token, an unknown site, and a certificate that names another site', async () => {
    const driver = new GrpcDriver();
    const transport = new NetworkServerTransport({
      driver,
      tls: testServerTls({ mutual: true }),
      sites: new Map([
        ['site-1', hashToken('right')],
        ['site-2', hashToken('other')],
      ]),
      requireCertificateIdentity: true,
      heartbeatIntervalMs: 200,
      deadAfterMs: 5000,
      logger: silentLogger(),
    });
    const heard: string[] = [];
    transport.bind({
      clientJoined: (client) => heard.push(`joined:${client}`),
      clientLeft: (client, reason) => heard.push(`${reason}:${client}`),
      resultReceived: () => undefined,
      analyticsReceived: () => undefined,
    });
    const port = await transport.listen();
    const attempt = async (site: string, token: string, certificate: string): Promise<unknown> => {
      const client = new NetworkClientTransport({ driver, host: '127.0.0.1', port, tls: testClientTls(certificate), site, token, logger: silentLogger() });
      try {
        await client.join();
        return 'joined';
      } catch (err) {
        return err;
      } finally {
        await client.leave();
        await client.close();
      }
    };
    const wrongToken = await attempt('site-1', 'wrong', 'site-1');
    expect(isHearthError(wrongToken, FederationErrorCode.AUTH_FAILED)).toBe(true);
    expect((wrongToken as Error).message).toContain('wrong job token for site site-1');
    const unknown = await attempt('site-9', 'right', 'site-1');
    expect((unknown as Error).message).toContain('site site-9 does not take part in this job');
    const impostor = await attempt('site-2', 'other', 'site-1');
    expect((impostor as Error).message).toContain('the certificate of site-1 cannot log in as site-2');
    expect(heard).toEqual([]);
    expect(await attempt('site-1', 'right', 'site-1')).toBe('joined');
    await transport.close();
    expect(heard).toEqual(['joined:site-1', 'left:site-1']);
  });
});
