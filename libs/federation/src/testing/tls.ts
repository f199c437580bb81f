import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientTlsOptions, ServerTlsOptions } from '@hearth/comm';
import { testCertificateDir } from '../poc/test-certificates.js';

/** A file of the shared test TLS material. */
export function tlsFile(name: string): string {
  return readFileSync(join(testCertificateDir(), name), 'utf8');
}

/** Server TLS with the test server certificate; client certificates required only with `mutual`. */
export function testServerTls(options: { readonly mutual?: boolean } = {}): ServerTlsOptions {
  const mutual = options.mutual ?? false;
  return { cert: tlsFile('server.crt'), key: tlsFile('server.key'), ...(mutual ? { ca: tlsFile('ca.crt') } : {}), requireClientCert: mutual };
}

/** Client TLS trusting the test CA (verifying the server as `localhost`), presenting the named client certificate when given. */
export function testClientTls(certificate?: string): ClientTlsOptions {
  const base = { ca: tlsFile('ca.crt'), serverName: 'localhost' };
  return certificate === undefined ? base : { ...base, cert: tlsFile(`${certificate}.crt`), key: tlsFile(`${certificate}.key`) };
}
