import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { OrtErrorCode, ortError } from '../errors.js';

/** How to start the worker: its entry file and, for TypeScript sources, how to load them. */
export interface WorkerLocation {
  readonly url: URL;
  /** Node options for the worker; undefined inherits the parent's. */
  readonly execArgv?: string[];
  /** Environment for the worker; undefined shares the parent's. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Finds the worker entry next to this module so the worker starts the same way in every setting: from dist, plain node loads `worker-entry.js`; from sources (Jest, whose transform does
 * not reach worker threads, or a process started with `--import @swc-node/register/esm-register`), the
 * worker loads `worker-entry.ts` through @swc-node/register. The loader is registered relative to this
 * package and pointed at this package's tsconfig, so neither depends on the current directory.
 */
export function locateWorkerEntry(): WorkerLocation {
  const hostUrl = import.meta.url;
  if (!hostUrl.endsWith('.ts')) return { url: new URL('./worker-entry.js', hostUrl) };
  const url = new URL('./worker-entry.ts', hostUrl);
  if (process.execArgv.some((arg) => arg.includes('@swc-node/register'))) return { url };
  try {
    createRequire(hostUrl).resolve('@swc-node/register');
  } catch (cause) {
    throw ortError(
      OrtErrorCode.WORKER_UNAVAILABLE,
      'running @hearth/ort-runtime from TypeScript sources needs @swc-node/register to load its worker thread',
      { context: { entry: url.href }, cause },
    );
  }
  const register = `import { register } from 'node:module'; register('@swc-node/register/esm', ${JSON.stringify(hostUrl)});`;
  const env =
    process.env['SWC_NODE_PROJECT'] === undefined && process.env['TS_NODE_PROJECT'] === undefined
      ? { ...process.env, SWC_NODE_PROJECT: fileURLToPath(new URL('../../tsconfig.lib.json', hostUrl)) }
      : undefined;
  return {
    url,
    execArgv: [...process.execArgv, '--import', `data:text/javascript,${encodeURIComponent(register)}`],
    ...(env === undefined ? {} : { env }),
  };
}
