import type { ServerTlsOptions } from '@hearth/comm';
import { Type } from 'typebox';
import { FederationErrorCode, federationError } from '../errors.js';
import { SITE_NAME_PATTERN } from '../session/handshake.js';
import { configPath, readConfigFile, readPemFile } from './config-file.js';
import { DriverNameSchema } from './driver-name.js';
import { DEFAULT_SPOOL_ABOVE_BYTES, SpoolAboveBytesSchema } from './spool-config.js';
import type { DriverName } from './driver-name.js';

const Sha256Hex = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256 of a token, 64 lowercase hex digits' });
const Millis = Type.Integer({ minimum: 1, maximum: 86_400_000 });

/**
 * The server parent's `config.json`: where it listens for client parents (driver, host, port, TLS), the
 * admin endpoint on 127.0.0.1, the sites allowed to log in (with the SHA-256 of each site's token, or
 * client certificates from `tls.client_ca`), and the runtime settings. Relative paths resolve from the
 * config's folder.
 */
export const ServerConfigSchema = Type.Object(
  {
    format_version: Type.Literal(1),
    driver: DriverNameSchema,
    host: Type.String({ minLength: 1, description: 'interface the client listener binds; client parents dial it' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, description: '0 lets the OS pick; the bound port is written to run/endpoints.json' }),
    job_host: Type.Optional(Type.String({ minLength: 1, description: 'interface job processes bind and announce; default host' })),
    tls: Type.Object(
      {
        cert: Type.String({ minLength: 1 }),
        key: Type.String({ minLength: 1 }),
        client_ca: Type.Optional(Type.String({ minLength: 1, description: 'mutual TLS: client certificates must chain to it; identity = CN' })),
      },
      { additionalProperties: false },
    ),
    admin: Type.Object(
      {
        port: Type.Integer({ minimum: 0, maximum: 65535 }),
        token_sha256: Sha256Hex,
      },
      { additionalProperties: false },
    ),
    clients: Type.Record(Type.String(), Type.Object({ token_sha256: Type.Optional(Sha256Hex) }, { additionalProperties: false })),
    workspace: Type.Optional(Type.String({ minLength: 1 })),
    heartbeat_interval_ms: Type.Optional(Millis),
    dead_client_grace_ms: Type.Optional(Millis),
    job_start_timeout_ms: Type.Optional(Millis),
    max_running_jobs: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    allow_custom_code: Type.Optional(Type.Boolean()),
    max_bundle_bytes: Type.Optional(Type.Integer({ minimum: 1024 })),
    spool_above_bytes: Type.Optional(SpoolAboveBytesSchema),
    log_level: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

/** The server config with files read, paths resolved and defaults filled in; made by {@link loadServerConfig}. */
export interface ServerConfig {
  /** Absolute path of the config file. */
  readonly path: string;
  readonly driver: DriverName;
  readonly host: string;
  readonly port: number;
  /** Interface job processes bind and announce to clients. @default host */
  readonly jobHost: string;
  /** Server certificate and key (PEM); `ca` and `requireClientCert` set when client certificates are configured. */
  readonly tls: ServerTlsOptions & { readonly cert: string; readonly key: string; readonly ca?: string };
  /** True when clients log in with certificates (identity = CN) instead of tokens. */
  readonly mutualTls: boolean;
  readonly admin: { readonly host: string; readonly port: number; readonly tokenSha256: string };
  /** Sites allowed to log in, with their token hashes (absent with mutual TLS). */
  readonly clients: ReadonlyMap<string, { readonly tokenSha256: string | undefined }>;
  /** Absolute workspace folder: logs, jobs, run files. @default the config's folder */
  readonly workspaceDir: string;
  /** @default 5000 */
  readonly heartbeatIntervalMs: number;
  /** @default 30000 */
  readonly deadClientGraceMs: number;
  /** How long a job process waits for every participant to join before it starts with at least min_clients. @default 60000 */
  readonly jobStartTimeoutMs: number;
  /** @default 2 */
  readonly maxRunningJobs: number;
  /** Whether job server apps may load custom code (`module#Export` types). @default false */
  readonly allowCustomCode: boolean;
  /** Largest job bundle accepted, in bytes. @default 268435456 (256 MiB) */
  readonly maxBundleBytes: number;
  /** Results larger than this are spooled to a file and aggregated a slice at a time. @default 1073741824 (1 GiB) */
  readonly spoolAboveBytes: number;
  /** @default 'info' */
  readonly logLevel: string;
}

/** Reads, checks and compiles a server config; throws INVALID_CONFIG naming the file and what is wrong. */
export async function loadServerConfig(path: string): Promise<ServerConfig> {
  const file = await readConfigFile(path, ServerConfigSchema);
  const raw = file.value;
  const mutualTls = raw.tls.client_ca !== undefined;
  const clients = new Map<string, { readonly tokenSha256: string | undefined }>();
  const sitePattern = new RegExp(SITE_NAME_PATTERN);
  for (const [site, entry] of Object.entries(raw.clients)) {
    if (!sitePattern.test(site) || site === 'server') {
      throw federationError(FederationErrorCode.INVALID_CONFIG, `config ${file.path}: $.clients: "${site}" is not a valid site name`, { context: { site } });
    }
    if (!mutualTls && entry.token_sha256 === undefined) {
      throw federationError(FederationErrorCode.INVALID_CONFIG, `config ${file.path}: $.clients["${site}"].token_sha256 is required without tls.client_ca`, {
        context: { site },
      });
    }
    clients.set(site, { tokenSha256: entry.token_sha256 });
  }
  const cert = await readPemFile(file, { field: 'tls.cert', path: raw.tls.cert });
  const key = await readPemFile(file, { field: 'tls.key', path: raw.tls.key });
  const ca = raw.tls.client_ca === undefined ? undefined : await readPemFile(file, { field: 'tls.client_ca', path: raw.tls.client_ca });
  return {
    path: file.path,
    driver: raw.driver,
    host: raw.host,
    port: raw.port,
    jobHost: raw.job_host ?? raw.host,
    tls: { cert, key, ...(ca === undefined ? {} : { ca }), requireClientCert: mutualTls },
    mutualTls,
    admin: { host: '127.0.0.1', port: raw.admin.port, tokenSha256: raw.admin.token_sha256 },
    clients,
    workspaceDir: configPath(file, raw.workspace ?? '.'),
    heartbeatIntervalMs: raw.heartbeat_interval_ms ?? 5000,
    deadClientGraceMs: raw.dead_client_grace_ms ?? 30_000,
    jobStartTimeoutMs: raw.job_start_timeout_ms ?? 60_000,
    maxRunningJobs: raw.max_running_jobs ?? 2,
    allowCustomCode: raw.allow_custom_code ?? false,
    maxBundleBytes: raw.max_bundle_bytes ?? 256 * 1024 * 1024,
    spoolAboveBytes: raw.spool_above_bytes ?? DEFAULT_SPOOL_ABOVE_BYTES,
    logLevel: raw.log_level ?? 'info',
  };
}
