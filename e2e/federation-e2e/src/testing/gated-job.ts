import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GATED_JOB } from './paths.js';

/** A copy of the gated test job, and the gates a test opens. */
export interface GatedJob {
  /** The job folder to submit. */
  readonly dir: string;
  /** Lets every client past the gate of `round`. */
  open(round: number): Promise<void>;
}

/** Options for {@link gatedJob}. */
export interface GatedJobOptions {
  /** Where the copy and its gate folder go. */
  readonly root: string;
  /** Rounds whose tasks wait for their gate. */
  readonly gatedRounds: readonly number[];
  /** min_clients of the job and of its workflow. @default 2 */
  readonly minClients?: number;
}

async function editJson(path: string, edit: (value: Record<string, unknown>) => void): Promise<void> {
  const value = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  edit(value);
  await writeFile(path, JSON.stringify(value, null, 2));
}

/** Copies the gated job into `root` with its gate folder and the rounds to hold. */
export async function gatedJob(options: GatedJobOptions): Promise<GatedJob> {
  const dir = join(options.root, `gated-${Date.now()}-${Math.floor(Math.random() * 1e6)}`);
  const gates = join(dir, '..', `${dir.split('/').at(-1) ?? 'gated'}-gates`);
  await cp(GATED_JOB, dir, { recursive: true });
  await mkdir(gates, { recursive: true });
  await editJson(join(dir, 'app/config/config_fed_client.json'), (config) => {
    const executor = (config['executors'] as Array<{ executor: { args: Record<string, unknown> } }>)[0]?.executor;
    if (executor !== undefined) executor.args = { gate_dir: gates, gated_rounds: [...options.gatedRounds] };
  });
  const minClients = options.minClients ?? 2;
  await editJson(join(dir, 'meta.json'), (meta) => {
    meta['min_clients'] = minClients;
  });
  await editJson(join(dir, 'app/config/config_fed_server.json'), (config) => {
    const workflow = (config['workflows'] as Array<{ args: Record<string, unknown> }>)[0];
    if (workflow !== undefined) workflow.args['min_clients'] = minClients;
  });
  return { dir, open: (round) => writeFile(join(gates, `open-${round}`), '') };
}
