import type { ClientTlsOptions } from '@hearth/comm';
import { Type } from 'typebox';
import { FederationErrorCode, federationError } from '../errors.js';
import { SITE_NAME_PATTERN } from '../session/handshake.js';
import { configPath, readConfigFile, readPemFile } from './config-file.js';
import { DriverNameSchema } from './driver-name.js';
import { DEFAULT_SPOOL_ABOVE_BYTES, SpoolAboveBytesSchema } from './spool-config.js';
import type { DriverName } from './driver-name.js';

const Millis = Type.Integer({ minimum: 1, maximum: 86_400_000 });

/**
 * A client parent's `config.json`: its site name, the server to dial (driver, host, port), how it logs in
 * (a token, or a client certificate under `tls`), and its local policy. Relative paths resolve from the
 * config's folder.
 */
export const ClientConfigSchema = Type.Object(
  {
    format_version: Type.Literal(1),
    site: Type.String({ minLength: 1, maxLength: 128, pattern: SITE_NAME_PATTERN }),
    server: Type.Object(
      {
        driver: DriverNameSchema,
        host: Type.String({ minLength: 1 }),
        port: Type.Integer({ minimum: 0, maximum: 65535, description: '0: given on the command line (--server-port)' }),
      },
      { additionalProperties: false },
    ),
    token: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    tls: Type.Object(
      {
        ca: Type.String({ minLength: 1 }),
        cert: Type.Optional(Type.String({ minLength: 1 })),
        key: Type.Optional(Type.String({ minLength: 1 })),
        server_name: Type.Optional(Type.String({ minLength: 1 })),
      },
      { additionalProperties: false },
    ),
    workspace: Type.Optional(Type.String({ minLength: 1 })),
    allow_custom_code: Type.Optional(Type.Boolean()),
    reconnect: Type.Optional(
      Type.Object({ initial_delay_ms: Type.Optional(Millis), max_delay_ms: Type.Optional(Millis) }, { additionalProperties: false }),
    ),
    job_server_grace_ms: Type.Optional(Millis),
    spool_above_bytes: Type.Optional(SpoolAboveBytesSchema),
    log_level: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

/** The client config with files read, paths resolved and defaults filled in; made by {@link loadClientConfig}. */
export interface ClientConfig {
  readonly path: string;
  readonly site: string;
  readonly driver: DriverName;
  readonly serverHost: string;
  readonly serverPort: number;
  /** The site token; absent when the site logs in with its certificate. */
  readonly token: string | undefined;
  readonly tls: ClientTlsOptions & { readonly ca: string; readonly cert?: string; readonly key?: string };
  /** Absolute workspace folder: logs and one folder per job. @default the config's folder */
  readonly workspaceDir: string;
  /** This site's policy on custom code in jobs (`module#Export` types). @default false */
  readonly allowCustomCode: boolean;
  /** @default 500 */
  readonly reconnectInitialDelayMs: number;
  /** @default 30000 */
  readonly reconnectMaxDelayMs: number;
  /** How long a client job process tries to reach its job before it gives up. @default 120000 */
  readonly jobServerGraceMs: number;
  /** Tasks larger than this are spooled to a file before they are read. @default 1073741824 (1 GiB) */
  readonly spoolAboveBytes: number;
  /** @default 'info' */
  readonly logLevel: string;
}

/** Overrides from the command line. */
export interface ClientConfigOverrides {
  /** Port of the server parent, replacing `server.port` (needed when the config says 0). */
  readonly serverPort?: number;
}

/** Reads, checks and compiles a client config; throws INVALID_CONFIG naming the file and what is wrong. */
export async function loadClientConfig(path: string, overrides: ClientConfigOverrides = {}): Promise<ClientConfig> {
  const file = await readConfigFile(path, ClientConfigSchema);
  const raw = file.value;
  const fail = (message: string): never => {
    throw federationError(FederationErrorCode.INVALID_CONFIG, `config ${file.path}: ${message}`, { context: { path: file.path } });
  };
  if ((raw.tls.cert === undefined) !== (raw.tls.key === undefined)) fail('$.tls.cert and $.tls.key must be given together');
  if (raw.token === undefined && raw.tls.cert === undefined) fail('$.token is required unless the site logs in with a certificate ($.tls.cert)');
  const serverPort = overrides.serverPort ?? raw.server.port;
  if (!Number.isSafeInteger(serverPort) || serverPort < 1 || serverPort > 65535) fail(`the server port must be 1-65535 (set $.server.port or --server-port), got ${serverPort}`);
  const ca = await readPemFile(file, { field: 'tls.ca', path: raw.tls.ca });
  const cert = raw.tls.cert === undefined ? undefined : await readPemFile(file, { field: 'tls.cert', path: raw.tls.cert });
  const key = raw.tls.key === undefined ? undefined : await readPemFile(file, { field: 'tls.key', path: raw.tls.key });
  return {
    path: file.path,
    site: raw.site,
    driver: raw.server.driver,
    serverHost: raw.server.host,
    serverPort,
    token: raw.token,
    tls: {
      ca,
      ...(cert === undefined || key === undefined ? {} : { cert, key }),
      ...(raw.tls.server_name === undefined ? {} : { serverName: raw.tls.server_name }),
    },
    workspaceDir: configPath(file, raw.workspace ?? '.'),
    allowCustomCode: raw.allow_custom_code ?? false,
    reconnectInitialDelayMs: raw.reconnect?.initial_delay_ms ?? 500,
    reconnectMaxDelayMs: raw.reconnect?.max_delay_ms ?? 30_000,
    jobServerGraceMs: raw.job_server_grace_ms ?? 120_000,
    spoolAboveBytes: raw.spool_above_bytes ?? DEFAULT_SPOOL_ABOVE_BYTES,
    logLevel: raw.log_level ?? 'info',
  };
}
