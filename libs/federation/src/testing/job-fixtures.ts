import { join } from 'node:path';

/** The hello-linear example job folder (FedAvg on synthetic linear data, 15 rounds, min 2 clients). */
export const HELLO_LINEAR_DIR = join(import.meta.dirname, '../../../../examples/hello-linear');
