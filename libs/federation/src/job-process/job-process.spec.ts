import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@hearth/core';
import { JOB_PROCESS_MALLOC_TUNABLES, jobProcessNodeFlags } from './job-process-tuning.js';
import { JobProcess } from './job-process.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-job-process-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

it("starts the job process with the daemon's environment plus the job-process tuning, its output in the file", async () => {
  const entry = join(dir, 'print-env.mjs');
  await writeFile(entry, "process.stdout.write(JSON.stringify({ tunables: process.env.GLIBC_TUNABLES, home: process.env.HOME, flags: process.execArgv }));\n");
  const outputFile = join(dir, 'logs', 'job.out');
  const job = JobProcess.start({ entry, outputFile, logger: silentLogger() });
  await expect(job.exited).resolves.toEqual({ code: 0, signal: null });
  const printed = JSON.parse(await readFile(outputFile, 'utf8')) as { tunables: string; home?: string; flags: string[] };
  expect(printed.home).toBe(process.env['HOME']);
  expect(printed.flags).toEqual(jobProcessNodeFlags(process.env));
  for (const [name, value] of Object.entries(JOB_PROCESS_MALLOC_TUNABLES)) expect(printed.tunables.split(':')).toContain(`${name}=${value}`);
});
