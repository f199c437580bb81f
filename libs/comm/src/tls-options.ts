import { commError, CommErrorCode } from './errors.js';

/** PEM text, as a string or as the bytes of a `.crt`/`.key` file. */
export type Pem = string | Uint8Array;

/** TLS settings of a listening side. */
export interface ServerTlsOptions {
  /** The server's certificate chain (PEM). */
  readonly cert: Pem;
  /** The server's private key (PEM). */
  readonly key: Pem;
  /** CA certificate(s) that client certificates must chain to. Required while `requireClientCert` is true. */
  readonly ca?: Pem;
  /**
   * Mutual TLS: refuse clients without a certificate that chains to `ca`. Each connection's
   * `peerIdentity` is then the client certificate's CN. @default true
   */
  readonly requireClientCert?: boolean;
}

/** TLS settings of a connecting side. */
export interface ClientTlsOptions {
  /** CA certificate(s) that the server certificate must chain to. */
  readonly ca: Pem;
  /** This side's certificate chain, for servers that require client certificates; needs `key`. */
  readonly cert?: Pem;
  /** This side's private key; needs `cert`. */
  readonly key?: Pem;
  /** Name to verify the server certificate against, when it differs from the dialled host. @default the host */
  readonly serverName?: string;
}

/** {@link ServerTlsOptions} as Buffers, checked; made by {@link compileServerTls}. */
export interface CompiledServerTls {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer | undefined;
  readonly requireClientCert: boolean;
}

/** {@link ClientTlsOptions} as Buffers, checked; made by {@link compileClientTls}. */
export interface CompiledClientTls {
  readonly ca: Buffer;
  readonly identity: { readonly cert: Buffer; readonly key: Buffer } | undefined;
  readonly serverName: string | undefined;
}

function pemBuffer(value: unknown, field: string, driver: string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value instanceof Uint8Array ? Buffer.from(value) : undefined;
  if (bytes === undefined || !bytes.toString('latin1').includes('-----BEGIN ')) {
    throw commError(CommErrorCode.INVALID_OPTIONS, `${driver}: tls.${field} must be PEM text (a string or bytes with a -----BEGIN line)`, {
      context: { driver, field },
    });
  }
  return bytes;
}

/**
 * Checks a listener's TLS options and turns them into Buffers. Network drivers call it in `listen()`,
 * so a missing or half-configured certificate fails at start-up with INVALID_OPTIONS, not at the first client.
 */
export function compileServerTls(tls: ServerTlsOptions | undefined, driver: string): CompiledServerTls {
  if (tls === undefined) {
    throw commError(CommErrorCode.INVALID_OPTIONS, `${driver}: listen() needs tls options (cert, key and, for mutual TLS, ca)`, {
      context: { driver },
    });
  }
  const requireClientCert = tls.requireClientCert ?? true;
  if (requireClientCert && tls.ca === undefined) {
    throw commError(CommErrorCode.INVALID_OPTIONS, `${driver}: tls.ca is required while tls.requireClientCert is true`, { context: { driver } });
  }
  return {
    cert: pemBuffer(tls.cert, 'cert', driver),
    key: pemBuffer(tls.key, 'key', driver),
    ca: tls.ca === undefined ? undefined : pemBuffer(tls.ca, 'ca', driver),
    requireClientCert,
  };
}

/** Checks a connecting side's TLS options and turns them into Buffers; `cert` and `key` come together or not at all. */
export function compileClientTls(tls: ClientTlsOptions | undefined, driver: string): CompiledClientTls {
  if (tls === undefined) {
    throw commError(CommErrorCode.INVALID_OPTIONS, `${driver}: connect() needs tls options (at least the ca to verify the server)`, {
      context: { driver },
    });
  }
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    throw commError(CommErrorCode.INVALID_OPTIONS, `${driver}: tls.cert and tls.key must be given together`, { context: { driver } });
  }
  if (tls.serverName !== undefined && (typeof tls.serverName !== 'string' || tls.serverName.length === 0)) {
    throw commError(CommErrorCode.INVALID_OPTIONS, `${driver}: tls.serverName must be a non-empty string`, { context: { driver } });
  }
  return {
    ca: pemBuffer(tls.ca, 'ca', driver),
    identity:
      tls.cert === undefined || tls.key === undefined
        ? undefined
        : { cert: pemBuffer(tls.cert, 'cert', driver), key: pemBuffer(tls.key, 'key', driver) },
    serverName: tls.serverName,
  };
}
