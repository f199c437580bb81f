import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DaemonExit, runServerDaemon } from '@hearth/federation';

const USAGE = 'usage: hearth-server -c <config.json>\n';

/** The server daemon's command line: `hearth-server -c <config.json>`; resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let config: string | undefined;
  try {
    const { values } = parseArgs({ args: [...argv], options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } } });
    if (values.help === true) {
      process.stdout.write(USAGE);
      return DaemonExit.OK;
    }
    config = values.config;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (config === undefined) {
    process.stderr.write(USAGE);
    return 2;
  }
  return runServerDaemon({
    configPath: config,
    jobProcessEntry: fileURLToPath(new URL('./job-main.js', import.meta.url)),
    output: { stdout: process.stdout, stderr: process.stderr },
  });
}
