import { fileURLToPath } from 'node:url';

/**
 * The folder of the test TLS material that @hearth/comm keeps in the repository (`libs/comm/fixtures/tls`,
 * written by tools/dev/make-test-certs.sh): a test CA, a server certificate for 127.0.0.1 and localhost, and
 * client certificates for site-1 and site-2. Its keys are public: for local testing only, never for a
 * deployment. Found relative to this module, which sits two folders below libs/federation in both src/
 * and dist/.
 */
export function testCertificateDir(): string {
  return fileURLToPath(new URL('../../../comm/fixtures/tls/', import.meta.url));
}
