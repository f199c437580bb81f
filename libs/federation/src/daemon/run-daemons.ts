import { join } from 'node:path';
import { isHearthError, toError } from '@hearth/core';
import type { HearthError } from '@hearth/core';
import { ClientDaemon } from '../client/client-daemon.js';
import { loadClientConfig } from '../config/client-config.js';
import { loadServerConfig } from '../config/server-config.js';
import { openFileLogger } from '../logging/file-logger.js';
import { ServerDaemon } from '../server/server-daemon.js';
import { shutdownSignal } from './shutdown-signal.js';

/** Where a daemon prints its few human lines (start, stop, fatal errors). */
export interface DaemonOutput {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** Options for {@link runServerDaemon}. */
export interface RunServerOptions {
  /** The server's config.json. */
  readonly configPath: string;
  /** The compiled module of the server job process. */
  readonly jobProcessEntry: string;
  readonly output: DaemonOutput;
}

/** Options for {@link runClientDaemon}. */
export interface RunClientOptions {
  /** The client's config.json. */
  readonly configPath: string;
  /** Replaces the config's server port (`--server-port`). @default the config's */
  readonly serverPort?: number;
  /** The compiled module of the client job process. */
  readonly jobProcessEntry: string;
  readonly output: DaemonOutput;
}

/** Exit codes of the daemons. */
export const DaemonExit = {
  /** Stopped by SIGTERM or SIGINT after a clean shutdown. */
  OK: 0,
  /** Failed at start (bad config, port in use) or lost for good (login refused). */
  FAILED: 1,
} as const;

function describe(err: unknown): string {
  const error = toError(err);
  return isHearthError(error) ? `${error.code}: ${error.message}` : (error.stack ?? error.message);
}

/**
 * What the server app runs: loads the config, logs to `<workspace>/logs/server.log`, starts the
 * {@link ServerDaemon}, waits for SIGTERM or SIGINT, shuts down and resolves with the exit code.
 */
export async function runServerDaemon(options: RunServerOptions): Promise<number> {
  const { output } = options;
  let daemon: ServerDaemon;
  let log: ReturnType<typeof openFileLogger>;
  try {
    const config = await loadServerConfig(options.configPath);
    log = openFileLogger({ path: join(config.workspaceDir, 'logs', 'server.log'), name: 'server', level: config.logLevel, bindings: { site: 'server' } });
    daemon = await ServerDaemon.start({ config, jobProcessEntry: options.jobProcessEntry, logger: log.logger });
    output.stdout.write(`hearth server: ${config.driver} on ${config.host}:${daemon.clientPort}, admin on https://127.0.0.1:${daemon.adminPort}, pid ${process.pid}\n`);
  } catch (err) {
    output.stderr.write(`hearth server failed to start: ${describe(err)}\n`);
    return DaemonExit.FAILED;
  }
  const signal = await shutdownSignal({ onForce: () => process.exit(DaemonExit.FAILED) });
  log.logger.info({ signal }, 'shutdown requested');
  try {
    await daemon.close();
  } catch (err) {
    log.logger.error({ err: toError(err) }, 'shutdown failed');
    log.close();
    return DaemonExit.FAILED;
  }
  output.stdout.write('hearth server: stopped\n');
  log.close();
  return DaemonExit.OK;
}

/**
 * What the client app runs: loads the config, logs to `<workspace>/logs/client.log`, starts the
 * {@link ClientDaemon} (which keeps dialling until the server answers), waits for SIGTERM or SIGINT, or for
 * the server to refuse this site, shuts down and resolves with the exit code.
 */
export async function runClientDaemon(options: RunClientOptions): Promise<number> {
  const { output } = options;
  let daemon: ClientDaemon;
  let log: ReturnType<typeof openFileLogger>;
  let site = '';
  let lost: (error: HearthError) => void = () => undefined;
  const lostPromise = new Promise<HearthError>((resolve) => {
    lost = resolve;
  });
  try {
    const config = await loadClientConfig(options.configPath, options.serverPort === undefined ? {} : { serverPort: options.serverPort });
    site = config.site;
    log = openFileLogger({ path: join(config.workspaceDir, 'logs', 'client.log'), name: 'client', level: config.logLevel, bindings: { site: config.site } });
    daemon = new ClientDaemon({ config, jobProcessEntry: options.jobProcessEntry, logger: log.logger, onLost: (error) => lost(error) });
    daemon.start();
    output.stdout.write(`hearth client ${config.site}: dialling ${config.driver} ${config.serverHost}:${config.serverPort}, pid ${process.pid}\n`);
  } catch (err) {
    output.stderr.write(`hearth client failed to start: ${describe(err)}\n`);
    return DaemonExit.FAILED;
  }
  let failure: HearthError | undefined;
  const signal = await shutdownSignal({
    other: lostPromise.then((error) => {
      failure = error;
    }),
    onForce: () => process.exit(DaemonExit.FAILED),
  });
  log.logger.info({ signal, failure: failure?.message }, 'shutdown requested');
  await daemon.close();
  log.close();
  if (failure !== undefined) {
    output.stderr.write(`hearth client ${site}: ${describe(failure)}\n`);
    return DaemonExit.FAILED;
  }
  output.stdout.write(`hearth client ${site}: stopped\n`);
  return DaemonExit.OK;
}
