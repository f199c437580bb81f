import type { HearthError } from '@hearth/core';
import { commError, CommErrorCode } from '../errors.js';
import type { CommErrorCodeValue } from '../errors.js';

/** What went wrong when a connection attempt failed, for {@link connectFailure}. */
export interface ConnectFailure {
  readonly driver: string;
  /** `host:port` that was dialled. */
  readonly address: string;
  /** What the transport reported (an Error, a gRPC status, text). */
  readonly cause: unknown;
  /** Extra text from the transport (a gRPC status's details) to classify along with the cause. */
  readonly details?: string;
}

interface Rule {
  readonly pattern: RegExp;
  readonly code: CommErrorCodeValue;
  readonly explain: string;
}

/** Transport and OpenSSL wordings, most specific first, and what each means to an operator. */
const RULES: readonly Rule[] = [
  {
    pattern: /certificate[ _]required/i,
    code: CommErrorCode.AUTH_FAILED,
    explain: 'the server requires a client certificate and none was presented (set tls.cert and tls.key)',
  },
  {
    pattern: /alert[ _]unknown[ _]ca|unknown_ca/i,
    code: CommErrorCode.AUTH_FAILED,
    explain: 'the server refused the client certificate: it is not issued by a CA the server trusts',
  },
  {
    pattern: /alert[ _]bad[ _]certificate|bad_certificate|alert[ _]certificate[ _](unknown|expired|revoked)/i,
    code: CommErrorCode.AUTH_FAILED,
    explain: 'the server refused the client certificate',
  },
  {
    pattern: /closed the connection right after the TLS handshake/,
    code: CommErrorCode.AUTH_FAILED,
    explain:
      'the server completed the TLS handshake and dropped the connection at once, which is how it refuses a client certificate it cannot verify (one not issued by a CA it trusts)',
  },
  {
    pattern: /unable to verify|UNABLE_TO_VERIFY|self[- ]signed|SELF_SIGNED|unable to get (local )?issuer|UNABLE_TO_GET_ISSUER/i,
    code: CommErrorCode.AUTH_FAILED,
    explain: 'the server certificate is not issued by the CA in tls.ca',
  },
  {
    pattern: /CERT_HAS_EXPIRED|certificate has expired|CERT_NOT_YET_VALID/i,
    code: CommErrorCode.AUTH_FAILED,
    explain: 'the server certificate is outside its validity period',
  },
  {
    pattern: /ALTNAME|does not match certificate|Hostname\/IP does not match/i,
    code: CommErrorCode.AUTH_FAILED,
    explain: "the server certificate does not name the dialled host (set tls.serverName to the certificate's name)",
  },
  {
    pattern: /ECONNREFUSED|connection refused/i,
    code: CommErrorCode.CONNECT_FAILED,
    explain: 'nothing is listening there (connection refused)',
  },
  {
    pattern: /ENOTFOUND|EAI_AGAIN|getaddrinfo|Name resolution failed/i,
    code: CommErrorCode.CONNECT_FAILED,
    explain: 'the host name does not resolve',
  },
  {
    pattern: /EHOSTUNREACH|ENETUNREACH|ETIMEDOUT/i,
    code: CommErrorCode.CONNECT_FAILED,
    explain: 'the host cannot be reached',
  },
  {
    pattern: /ECONNRESET|socket hang up|Connection dropped|disconnected|closed before/i,
    code: CommErrorCode.CONNECT_FAILED,
    explain: 'the server dropped the connection during the handshake (wrong port or protocol, or it refused this client)',
  },
];

/** The cause as text. Errors from Node's own realm are not `instanceof Error` under Jest, so this goes by shape. */
function describe(cause: unknown): string {
  if (typeof cause === 'string') return cause;
  const { message, code } = (cause ?? {}) as { message?: unknown; code?: unknown };
  if (typeof message !== 'string') return String(cause);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}

/**
 * Turns a failed connection attempt into a clear, coded error: a missing or untrusted client certificate
 * becomes AUTH_FAILED with a sentence an operator can act on (gRPC reports it as UNAVAILABLE, ws as an
 * OpenSSL alert code); unreachable peers become CONNECT_FAILED. The transport's own words stay in the message.
 */
export function connectFailure(failure: ConnectFailure): HearthError {
  const text = [describe(failure.cause), failure.details ?? ''].join(' ');
  const rule = RULES.find((candidate) => candidate.pattern.test(text));
  const code = rule?.code ?? CommErrorCode.CONNECT_FAILED;
  const explain = rule?.explain ?? 'the connection could not be established';
  return commError(code, `${failure.driver}: cannot connect to ${failure.address}: ${explain} (${text.trim()})`, {
    context: { driver: failure.driver, address: failure.address },
    cause: failure.cause,
  });
}
