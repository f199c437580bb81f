import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DaemonExit, runClientDaemon } from '@hearth/federation';

const USAGE = 'usage: hearth-client -c <config.json> [--server-port <port>]\n';

/** The client daemon's command line: `hearth-client -c <config.json> [--server-port <port>]`; resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let config: string | undefined;
  let serverPort: number | undefined;
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: { config: { type: 'string', short: 'c' }, 'server-port': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help === true) {
      process.stdout.write(USAGE);
      return DaemonExit.OK;
    }
    config = values.config;
    if (values['server-port'] !== undefined) {
      serverPort = Number(values['server-port']);
      if (!Number.isSafeInteger(serverPort) || serverPort < 1 || serverPort > 65535) throw new Error(`--server-port must be a port number, got ${values['server-port']}`);
    }
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (config === undefined) {
    process.stderr.write(USAGE);
    return 2;
  }
  return runClientDaemon({
    configPath: config,
    ...(serverPort === undefined ? {} : { serverPort }),
    jobProcessEntry: fileURLToPath(new URL('./job-main.js', import.meta.url)),
    output: { stdout: process.stdout, stderr: process.stderr },
  });
}
