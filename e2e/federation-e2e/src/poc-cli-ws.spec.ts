import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readSafetensorsFile } from '@hearth/codec';
import { paramMapsEqual } from '@hearth/core';
import type { JobRecord, JobSummary, PocParticipantStatus } from '@hearth/federation';
import { BINS, HELLO_LINEAR } from './testing/paths.js';
import { simulatedFinalModel } from './testing/simulated-model.js';

const run = promisify(execFile);
const SEED = 5;

async function hearth(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [BINS.cli, ...args], { maxBuffer: 16 * 1024 * 1024 });
}

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'hearth-e2e-cli-'));
});
afterEach(async () => {
  await hearth('poc', 'stop', '-w', join(root, 'poc')).catch(() => undefined);
  await rm(root, { recursive: true, force: true });
});

describe('hearth poc over ws', () => {
  it('prepares, starts, runs hello-linear with per-round progress to the simulator model, lists, downloads, stops and cleans', async () => {
    const poc = join(root, 'poc');
    const prepared = await hearth('poc', 'prepare', '-n', '3', '-w', poc, '--driver', 'ws', '--port', '0', '--admin-port', '0');
    expect(prepared.stdout).toContain('server and site-1, site-2, site-3 over ws');

    const started = JSON.parse((await hearth('poc', 'start', '-w', poc, '--json')).stdout) as { participants: PocParticipantStatus[] };
    expect(started.participants.map((p) => [p.name, p.running])).toEqual([
      ['server', true],
      ['site-1', true],
      ['site-2', true],
      ['site-3', true],
    ]);
    const status = JSON.parse((await hearth('poc', 'status', '-w', poc, '--json')).stdout) as { online: { site: string }[] };
    expect(status.online.map((c) => c.site).sort()).toEqual(['site-1', 'site-2', 'site-3']);

    const submitted = await hearth('poc', 'submit', HELLO_LINEAR, '-w', poc, '--seed', String(SEED), '--watch', '--json');
    const job = JSON.parse(submitted.stdout) as JobRecord;
    expect(job.status).toBe('FINISHED:COMPLETED');
    expect(submitted.stderr).toContain('round 1/15  clients 3');
    expect(submitted.stderr).toContain('round 15/15  clients 3');
    expect(submitted.stderr).toContain(`${job.id} FINISHED:COMPLETED`);

    const jobs = JSON.parse((await hearth('poc', 'jobs', '-w', poc, '--json')).stdout) as { jobs: JobSummary[] };
    expect(jobs.jobs.map((j) => [j.id, j.status])).toEqual([[job.id, 'FINISHED:COMPLETED']]);

    const out = join(root, 'result');
    expect((await hearth('poc', 'download', job.id, '-w', poc, '-o', out)).stdout).toContain(`files in ${out}`);
    const deployed = (await readSafetensorsFile(join(out, 'models/final.safetensors'))).params;
    expect(paramMapsEqual(deployed, await simulatedFinalModel({ jobDir: HELLO_LINEAR, clients: ['site-1', 'site-2', 'site-3'], seed: SEED }))).toBe(true);

    await expect(hearth('poc', 'clean', '-w', poc)).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('still running') });
    const stopped = JSON.parse((await hearth('poc', 'stop', '-w', poc, '--json')).stdout) as { participants: PocParticipantStatus[] };
    expect(stopped.participants.every((p) => !p.running)).toBe(true);
    await hearth('poc', 'clean', '-w', poc);
    await expect(hearth('poc', 'status', '-w', poc)).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('is not a POC folder') });
  });
});
