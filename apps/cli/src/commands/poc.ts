import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { isHearthError } from '@hearth/core';
import { JobStatus, formatJobProblem } from '@hearth/job';
import type { JobProblem } from '@hearth/job';
import {
  openPocAdmin,
  packJobFolder,
  pocClean,
  pocPrepare,
  pocStart,
  pocStatus,
  pocStop,
  unpackBundle,
} from '@hearth/federation';
import type { DriverName, JobRecord, PocParticipantStatus } from '@hearth/federation';
import { printError, printLine } from '../cli-io.js';
import type { CliIo } from '../cli-io.js';
import { ExitCode } from '../exit-code.js';
import type { ExitCodeValue } from '../exit-code.js';
import { formatRound } from '../round-progress.js';

type Run = (action: () => Promise<ExitCodeValue>) => Promise<void>;

/** Options every `hearth poc` subcommand takes. */
interface PocOptions {
  readonly workspace: string;
  readonly json?: boolean;
}

const DEFAULT_WORKSPACE = 'workspace/poc';

/** The executable of a daemon app (`@hearth/server`, `@hearth/client`), from its package.json `bin`. */
function daemonBin(pkg: '@hearth/server' | '@hearth/client'): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve(`${pkg}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin?: Record<string, string> };
  const bin = Object.values(manifest.bin ?? {})[0];
  if (bin === undefined) throw new Error(`${pkg} declares no bin`);
  return join(dirname(manifestPath), bin);
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0 lets the OS pick)');
  return n;
}

function count(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number >= 1');
  return n;
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('must be a whole number');
  return n;
}

function driver(value: string): DriverName {
  if (value !== 'grpc' && value !== 'ws') throw new InvalidArgumentError('must be grpc or ws');
  return value;
}

function printStatuses(io: CliIo, statuses: readonly PocParticipantStatus[], json: boolean | undefined): void {
  if (json === true) {
    printLine(io, JSON.stringify({ participants: statuses }));
    return;
  }
  for (const status of statuses) printLine(io, `${status.name.padEnd(10)} ${status.running ? `running  pid ${status.pid ?? '?'}` : 'stopped'}`);
}

function jobLine(job: Pick<JobRecord, 'id' | 'name' | 'status' | 'current_round' | 'num_rounds'>): string {
  const progress = job.current_round === null ? '' : `  round ${job.current_round + 1}/${job.num_rounds ?? '?'}`;
  return `${job.id}  ${job.name.padEnd(20)} ${job.status}${progress}`;
}

/** Follows a job until it finishes, printing each round as it completes; resolves with the final record. */
async function watchJob(input: { readonly io: CliIo; readonly dir: string; readonly id: string; readonly signal: AbortSignal }): Promise<JobRecord | undefined> {
  const admin = await openPocAdmin(input.dir);
  let shown = 0;
  let status = '';
  for (;;) {
    const job = await admin.job(input.id);
    for (; shown < job.rounds.length; shown++) {
      const round = job.rounds[shown];
      if (round !== undefined) input.io.stderr.write(`${formatRound(round, job.num_rounds ?? undefined)}\n`);
    }
    if (job.status !== status) {
      status = job.status;
      input.io.stderr.write(`${job.id} ${job.status}\n`);
    }
    if (job.finished_at !== null) return job;
    try {
      await sleep(500, undefined, { signal: input.signal });
    } catch {
      return undefined;
    }
  }
}

async function submit(job: string, options: PocOptions & { readonly seed: number; readonly watch?: boolean }, io: CliIo): Promise<ExitCodeValue> {
  const admin = await openPocAdmin(options.workspace);
  let record: JobRecord;
  try {
    record = await admin.submit(await packJobFolder(job), { seed: options.seed });
  } catch (err) {
    const problems = isHearthError(err) ? (err.context['problems'] as JobProblem[] | undefined) : undefined;
    if (problems === undefined) throw err;
    for (const problem of problems) printError(io, formatJobProblem(problem));
    printError(io, `${job}: the server refused the job (${problems.length} problem${problems.length === 1 ? '' : 's'})`);
    return ExitCode.FAILURE;
  }
  if (options.watch !== true) {
    printLine(io, options.json === true ? JSON.stringify(record) : record.id);
    return ExitCode.OK;
  }
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    const final = await watchJob({ io, dir: options.workspace, id: record.id, signal: abort.signal });
    if (final === undefined) {
      printError(io, `stopped watching; job ${record.id} keeps running (hearth poc abort ${record.id})`);
      return ExitCode.FAILURE;
    }
    printLine(io, options.json === true ? JSON.stringify(final) : jobLine(final));
    if (final.error !== null) printError(io, `job ${final.id}: ${final.error}`);
    return final.status === JobStatus.FINISHED_COMPLETED ? ExitCode.OK : ExitCode.FAILURE;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

/** Adds `poc prepare|start|stop|status|clean|submit|jobs|abort|download` to the program. */
export function registerPoc(program: Command, run: Run, io: CliIo): void {
  const poc = program.command('poc').description('a local deployment on 127.0.0.1: a server and N clients as background processes');
  const workspace = (command: Command): Command => command.option('-w, --workspace <dir>', 'the POC folder', DEFAULT_WORKSPACE);

  workspace(poc.command('prepare'))
    .description('write server and client configs, test TLS material, tokens and start scripts')
    .requiredOption('-n, --n <count>', 'number of clients, named site-1 … site-N', count)
    .option('--driver <name>', 'transport: grpc or ws', driver, 'grpc' as DriverName)
    .option('--port <port>', 'port clients dial (0: the OS picks at each start)', port, 8002)
    .option('--admin-port <port>', 'port of the admin endpoint on 127.0.0.1 (0: the OS picks)', port, 8003)
    .option('--force', 'replace an existing (stopped) POC folder')
    .action((options: PocOptions & { n: number; driver: DriverName; port: number; adminPort: number; force?: boolean }) =>
      run(async () => {
        const manifest = await pocPrepare({
          dir: options.workspace,
          clients: options.n,
          driver: options.driver,
          port: options.port,
          adminPort: options.adminPort,
          serverBin: daemonBin('@hearth/server'),
          clientBin: daemonBin('@hearth/client'),
          ...(options.force === true ? { force: true } : {}),
        });
        printLine(io, `prepared ${options.workspace}: server and ${manifest.clients.join(', ')} over ${manifest.driver} (test certificates: local use only)`);
        return ExitCode.OK;
      }),
    );

  workspace(poc.command('start'))
    .description('start the server and the clients in the background and wait until the clients are logged in')
    .option('-p, --participant <names...>', 'start only these (server, site-1, ...)')
    .option('--json', 'print the status as JSON')
    .action((options: PocOptions & { participant?: string[] }) =>
      run(async () => {
        const statuses = await pocStart({
          dir: options.workspace,
          serverBin: daemonBin('@hearth/server'),
          clientBin: daemonBin('@hearth/client'),
          ...(options.participant === undefined ? {} : { participants: options.participant }),
        });
        printStatuses(io, statuses, options.json);
        return ExitCode.OK;
      }),
    );

  workspace(poc.command('stop'))
    .description('stop the daemons: SIGTERM, then SIGKILL after a grace period')
    .option('-p, --participant <names...>', 'stop only these')
    .option('--json', 'print the status as JSON')
    .action((options: PocOptions & { participant?: string[] }) =>
      run(async () => {
        printStatuses(io, await pocStop({ dir: options.workspace, ...(options.participant === undefined ? {} : { participants: options.participant }) }), options.json);
        return ExitCode.OK;
      }),
    );

  workspace(poc.command('status'))
    .description('show which daemons run and which clients are logged in')
    .option('--json', 'print the status as JSON')
    .action((options: PocOptions) =>
      run(async () => {
        const statuses = await pocStatus(options.workspace);
        const serverUp = statuses.some((status) => status.name === 'server' && status.running);
        const clients = serverUp ? await (await openPocAdmin(options.workspace)).clients() : [];
        if (options.json === true) {
          printLine(io, JSON.stringify({ participants: statuses, online: clients }));
        } else {
          printStatuses(io, statuses, false);
          if (serverUp) printLine(io, `online     ${clients.map((client) => client.site).join(', ') || '(none)'}`);
        }
        return ExitCode.OK;
      }),
    );

  workspace(poc.command('clean'))
    .description('remove the POC folder (it must be stopped)')
    .action((options: PocOptions) =>
      run(async () => {
        await pocClean(options.workspace);
        printLine(io, `removed ${options.workspace}`);
        return ExitCode.OK;
      }),
    );

  workspace(poc.command('submit'))
    .description('submit a job folder to the POC server')
    .argument('<job>', 'job folder')
    .option('--seed <seed>', 'seed every component reads', integer, 0)
    .option('--watch', 'show per-round progress until the job ends; exit 0 only if it completed')
    .option('--json', 'print the job as JSON')
    .action((job: string, options: PocOptions & { seed: number; watch?: boolean }) => run(() => submit(job, options, io)));

  workspace(poc.command('jobs'))
    .description('list the jobs of the POC server')
    .option('--json', 'print the jobs as JSON')
    .action((options: PocOptions) =>
      run(async () => {
        const jobs = await (await openPocAdmin(options.workspace)).listJobs();
        if (options.json === true) printLine(io, JSON.stringify({ jobs }));
        else if (jobs.length === 0) printLine(io, '(no jobs)');
        else for (const job of jobs) printLine(io, jobLine(job));
        return ExitCode.OK;
      }),
    );

  workspace(poc.command('abort'))
    .description('abort a job')
    .argument('<id>', 'job id')
    .action((id: string, options: PocOptions) =>
      run(async () => {
        const job = await (await openPocAdmin(options.workspace)).abort(id);
        printLine(io, `abort requested: ${jobLine(job)}`);
        return ExitCode.OK;
      }),
    );

  workspace(poc.command('download'))
    .description("download a finished job's server workspace (models, metrics)")
    .argument('<id>', 'job id')
    .requiredOption('-o, --output <dir>', 'new folder to unpack into')
    .action((id: string, options: PocOptions & { output: string }) =>
      run(async () => {
        const files = await unpackBundle({ bytes: await (await openPocAdmin(options.workspace)).result(id), dir: options.output });
        printLine(io, `${files.length} files in ${options.output}`);
        return ExitCode.OK;
      }),
    );
}
