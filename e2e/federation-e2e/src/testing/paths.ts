import { join } from 'node:path';

/** The repository root. */
export const REPO_ROOT = join(import.meta.dirname, '../../../..');

/** The compiled daemon and CLI executables the tests start. */
export const BINS = {
  server: join(REPO_ROOT, 'apps/server/bin/hearth-server.js'),
  client: join(REPO_ROOT, 'apps/client/bin/hearth-client.js'),
  cli: join(REPO_ROOT, 'apps/cli/bin/hearth.js'),
} as const;

/** The hello-linear example job. */
export const HELLO_LINEAR = join(REPO_ROOT, 'examples/hello-linear');

/** The committed Fashion-MNIST subset (2,000 training and 500 test images), so no test needs the system dataset. */
export const FASHION_MNIST_SUBSET = join(REPO_ROOT, 'libs/data/fixtures/fashion-mnist-subset');

/** The gated test job of this project (rounds held until the test opens them). */
export const GATED_JOB = join(import.meta.dirname, '../../fixtures/gated-linear');
