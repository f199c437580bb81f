// One simulator run in a fresh process; prints its measurements as one JSON line on stdout.
// Usage: node run-one.mjs <clients> <threads> <rounds> <workspace>
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { simulateJob, simulatedSiteNames } from '@hearth/runner';

const [clients, threads, rounds] = process.argv.slice(2, 5).map(Number);
const workspace = process.argv[5];
const example = join(dirname(fileURLToPath(import.meta.url)), '../../../examples/hello-linear');
const jobDir = join(workspace, 'job');
await rm(workspace, { recursive: true, force: true });
await cp(join(example, 'meta.json'), join(jobDir, 'meta.json'));
await cp(join(example, 'app'), join(jobDir, 'app'), { recursive: true });
const serverConfig = join(jobDir, 'app/config/config_fed_server.json');
const config = JSON.parse(await readFile(serverConfig, 'utf8'));
config.workflows[0].args.num_rounds = rounds;
config.workflows[0].args.persist_every_n_rounds = 0;
await writeFile(serverConfig, JSON.stringify(config));

let executing = 0;
let executionStart = 0;
let executionMs = 0;
const started = performance.now();
const result = await simulateJob({
  jobDir,
  clients: simulatedSiteNames(clients),
  threads,
  workspaceDir: join(workspace, 'run'),
  onEvent: (event) => {
    if (event.type === 'before_task_execution') {
      if (executing++ === 0) executionStart = performance.now();
    } else if (event.type === 'after_task_execution') {
      if (--executing === 0) executionMs += performance.now() - executionStart;
    }
  },
});
const wallMs = performance.now() - started;
if (result.status !== 'completed') throw new Error(`run ${result.status}: ${result.error?.message}`);
const orchestrationMs = wallMs - executionMs;
process.stdout.write(
  `${JSON.stringify({
    clients,
    threads,
    rounds,
    wallMs: Math.round(wallMs),
    executionMs: Math.round(executionMs),
    orchestrationMsPerClientRound: orchestrationMs / (clients * rounds),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    peakActiveClients: result.stats.peakActiveClients,
    tasksExecuted: result.stats.tasksExecuted,
  })}\n`,
);
await rm(workspace, { recursive: true, force: true });
