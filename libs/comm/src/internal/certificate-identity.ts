import type { PeerCertificate, TLSSocket } from 'node:tls';

/**
 * The common name of a certificate's subject, or undefined when there is none or several (an
 * ambiguous identity is no identity).
 */
export function certificateIdentity(certificate: PeerCertificate | undefined): string | undefined {
  const subject = certificate?.subject as Record<string, unknown> | undefined;
  const commonName = subject?.['CN'];
  return typeof commonName === 'string' && commonName.length > 0 ? commonName : undefined;
}

/** The verified peer's certificate CN on a TLS socket; undefined unless TLS authorised the peer. */
export function socketIdentity(socket: TLSSocket): string | undefined {
  if (!socket.authorized) return undefined;
  return certificateIdentity(socket.getPeerCertificate());
}
