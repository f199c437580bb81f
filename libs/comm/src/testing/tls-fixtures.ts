import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ClientTlsOptions, ServerTlsOptions } from '../tls-options.js';

const TLS_DIR = fileURLToPath(new URL('../../fixtures/tls/', import.meta.url));

/** Contents of a file in libs/comm/fixtures/tls (written by tools/dev/make-test-certs.sh). */
export function tlsFixture(name: string): string {
  return readFileSync(`${TLS_DIR}${name}`, 'utf8');
}

/** Server TLS for tests: CN=server, client certificates from the test CA required unless told otherwise. */
export function serverTls(options: { readonly requireClientCert?: boolean } = {}): ServerTlsOptions {
  return { cert: tlsFixture('server.crt'), key: tlsFixture('server.key'), ca: tlsFixture('ca.crt'), requireClientCert: options.requireClientCert ?? true };
}

/** Client TLS for tests: trusts the test CA and presents the named certificate (`site-1`, `other-site-1`, ...) if given. */
export function clientTls(certificate?: string, ca = 'ca.crt'): ClientTlsOptions {
  const base = { ca: tlsFixture(ca) };
  return certificate === undefined ? base : { ...base, cert: tlsFixture(`${certificate}.crt`), key: tlsFixture(`${certificate}.key`) };
}
