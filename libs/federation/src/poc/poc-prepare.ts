import { copyFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '@hearth/core';
import { FederationErrorCode, federationError } from '../errors.js';
import { generateToken, hashToken } from '../internal/tokens.js';
import type { DriverName } from '../config/driver-name.js';
import { POC_SERVER, PocLayout } from './poc-layout.js';
import type { PocManifest } from './poc-layout.js';
import { pocRunning } from './poc-processes.js';
import { testCertificateDir } from './test-certificates.js';

/** Options for {@link pocPrepare}. */
export interface PocPrepareOptions {
  /** The POC folder to write. */
  readonly dir: string;
  /** Number of client sites, named site-1 … site-N. */
  readonly clients: number;
  /** The transport between the daemons. @default 'grpc' */
  readonly driver?: DriverName;
  /** Port client parents dial; 0 lets the OS pick at each start. @default 8002 */
  readonly port?: number;
  /** Port of the admin endpoint on 127.0.0.1; 0 lets the OS pick. @default 8003 */
  readonly adminPort?: number;
  /** Absolute path of the server daemon executable (`hearth-server`), for the start scripts. */
  readonly serverBin: string;
  /** Absolute path of the client daemon executable (`hearth-client`), for the start scripts. */
  readonly clientBin: string;
  /** Replace an existing POC folder (it must be stopped). @default false */
  readonly force?: boolean;
  /** Heartbeat interval of the deployment. @default 2000 */
  readonly heartbeatIntervalMs?: number;
  /** Grace period before a silent client counts as dead. @default 10000 */
  readonly deadClientGraceMs?: number;
}

const README = (manifest: PocManifest, driver: string): string => `# Hearth POC deployment (local testing only)

This folder is a local proof-of-concept deployment on 127.0.0.1, written by \`hearth poc prepare\`:
one server and ${manifest.clients.length} clients (${manifest.clients.join(', ')}), talking ${driver} over TLS.

**The TLS material here is Hearth's public test certificates (copied from libs/comm/fixtures/tls). Their
private keys are published in the repository. They are for local testing only and must never protect
anything real.** Provisioning of real certificates comes later.

| path | what |
| --- | --- |
| \`server/config.json\` | server config: ports, TLS files, the SHA-256 of each site's token and of the admin token |
| \`site-N/config.json\` | client config: the server to dial and the site's token (keep it secret: mode 0600) |
| \`admin/admin.json\` | the admin token for \`hearth poc submit\` / \`hearth poc jobs\` (mode 0600) |
| \`*/start.sh\` | start one daemon in the foreground |
| \`*/logs/\` | daemon logs (pino JSON); job logs are under \`*/jobs/<id>/logs/\` |

    hearth poc start -w <this folder>         # server and clients in the background
    hearth poc submit <job folder> -w <this folder> --watch
    hearth poc jobs -w <this folder>
    hearth poc stop -w <this folder>
    hearth poc clean -w <this folder>

Clients run jobs that name custom code (\`module#Export\`, as the examples do): \`allow_custom_code\` is
true in each site's config. Set it to false to refuse such jobs on a site.
`;

async function copyTls(from: string, to: string, names: readonly string[]): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const name of names) {
    await copyFile(join(from, name), join(to, name));
  }
}

function startScript(input: { readonly bin: string; readonly args: string }): string {
  return `#!/bin/sh\n# Starts this daemon in the foreground; Ctrl-C stops it cleanly.\ncd "$(dirname "$0")" || exit 1\nexec "${process.execPath}" "${input.bin}" ${input.args} "$@"\n`;
}

/**
 * Writes a local deployment on 127.0.0.1 into `dir`: the server config with its TLS material (the public
 * test certificates, marked in the README as for local testing only), one config per client site with a
 * fresh token, the admin token, and a start script per daemon. Returns the manifest.
 */
export async function pocPrepare(options: PocPrepareOptions): Promise<PocManifest> {
  if (!Number.isSafeInteger(options.clients) || options.clients < 1 || options.clients > 1000) {
    throw federationError(FederationErrorCode.INVALID_OPTIONS, `the number of clients must be a whole number from 1 to 1000, got ${options.clients}`);
  }
  const layout = new PocLayout(options.dir);
  const existing = await readdir(layout.dir).catch(() => [] as string[]);
  if (existing.length > 0) {
    if (options.force !== true) {
      throw federationError(FederationErrorCode.POC_STATE, `${layout.dir} is not empty; pass --force to replace a POC folder`, { context: { dir: layout.dir } });
    }
    await layout.readManifest();
    if ((await pocRunning(layout.dir)).length > 0) {
      throw federationError(FederationErrorCode.POC_STATE, `the POC in ${layout.dir} is running; stop it first`, { context: { dir: layout.dir } });
    }
    await rm(layout.dir, { recursive: true, force: true });
  }
  const driver = options.driver ?? 'grpc';
  const clients = Array.from({ length: options.clients }, (_, i) => `site-${i + 1}`);
  const tokens = new Map(clients.map((site) => [site, generateToken()]));
  const adminToken = generateToken();
  const certs = testCertificateDir();
  const serverDir = layout.participantDir(POC_SERVER);
  await copyTls(certs, join(serverDir, 'tls'), ['ca.crt', 'server.crt', 'server.key']);
  await writeJsonAtomic(join(serverDir, 'config.json'), {
    format_version: 1,
    driver,
    host: '127.0.0.1',
    port: options.port ?? 8002,
    tls: { cert: 'tls/server.crt', key: 'tls/server.key' },
    admin: { port: options.adminPort ?? 8003, token_sha256: hashToken(adminToken) },
    clients: Object.fromEntries(clients.map((site) => [site, { token_sha256: hashToken(tokens.get(site) ?? '') }])),
    workspace: '.',
    heartbeat_interval_ms: options.heartbeatIntervalMs ?? 2000,
    dead_client_grace_ms: options.deadClientGraceMs ?? 10_000,
    job_start_timeout_ms: 60_000,
    max_running_jobs: 2,
    allow_custom_code: false,
  });
  await writeFileAtomic(join(serverDir, 'start.sh'), startScript({ bin: options.serverBin, args: '-c config.json' }), { mode: 0o755 });
  for (const site of clients) {
    const siteDir = layout.participantDir(site);
    await copyTls(certs, join(siteDir, 'tls'), ['ca.crt']);
    await writeJsonAtomic(
      join(siteDir, 'config.json'),
      {
        format_version: 1,
        site,
        server: { driver, host: '127.0.0.1', port: options.port ?? 8002 },
        token: tokens.get(site),
        tls: { ca: 'tls/ca.crt', server_name: 'localhost' },
        workspace: '.',
        allow_custom_code: true,
        reconnect: { initial_delay_ms: 250, max_delay_ms: 5000 },
      },
      { mode: 0o600 },
    );
    await writeFileAtomic(join(siteDir, 'start.sh'), startScript({ bin: options.clientBin, args: '-c config.json' }), { mode: 0o755 });
  }
  await copyTls(certs, join(layout.adminDir, 'tls'), ['ca.crt']);
  await writeJsonAtomic(join(layout.adminDir, 'admin.json'), { token: adminToken, ca: 'tls/ca.crt' }, { mode: 0o600 });
  const manifest: PocManifest = { format_version: 1, driver, clients, created_at: new Date().toISOString() };
  await writeFile(join(layout.dir, 'README.md'), README(manifest, driver));
  await writeJsonAtomic(layout.manifest, manifest);
  return manifest;
}
