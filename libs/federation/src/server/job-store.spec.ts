import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@hearth/core';
import { JobStatus } from '@hearth/job';
import type { JobRecord } from './job-record.js';
import { JobStore } from './job-store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-job-store-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function record(id: string, submittedAt: string): JobRecord {
  return {
    id,
    name: `job-${id}`,
    status: JobStatus.SUBMITTED,
    submitted_at: submittedAt,
    started_at: null,
    finished_at: null,
    seed: 0,
    min_clients: 1,
    deploy_sites: '@ALL',
    mandatory_clients: [],
    participants: [],
    clients: [],
    current_round: null,
    num_rounds: null,
    rounds: [],
    error: null,
  };
}

describe('JobStore', () => {
  it('keeps records on disk through the status machine and refuses impossible histories', async () => {
    const store = await JobStore.open({ dir, logger: silentLogger() });
    await store.add(record('a', '2026-01-01T00:00:00.000Z'), new Uint8Array([1]));
    await store.update('a', { status: JobStatus.DISPATCHED });
    await store.update('a', { status: JobStatus.RUNNING, current_round: 0 });
    await expect(store.update('a', { status: JobStatus.SUBMITTED })).rejects.toMatchObject({ code: 'HEARTH_ERR_JOB_ILLEGAL_STATUS_TRANSITION' });
    await store.update('a', (current) => ({ rounds: [...current.rounds, { round: 0, clients: ['site-1'], metrics: {} }] }));
    await store.flush();
    const onDisk = JSON.parse(await readFile(join(dir, 'a/job.json'), 'utf8')) as JobRecord;
    expect(onDisk).toMatchObject({ status: 'RUNNING', current_round: 0, rounds: [{ round: 0, clients: ['site-1'], metrics: {} }] });
    expect([...(await readFile(join(dir, 'a/bundle.hjb')))]).toEqual([1]);
    expect(() => store.get('nope')).toThrow(expect.objectContaining({ code: 'HEARTH_ERR_FED_JOB_NOT_FOUND' }));
  });

  it('on reopening, marks jobs that were dispatched or running as abnormal and keeps queued jobs in submission order', async () => {
    const first = await JobStore.open({ dir, logger: silentLogger() });
    await first.add(record('late', '2026-01-02T00:00:00.000Z'), new Uint8Array());
    await first.add(record('early', '2026-01-01T00:00:00.000Z'), new Uint8Array());
    await first.update('early', { status: JobStatus.DISPATCHED });
    await first.update('early', { status: JobStatus.RUNNING });
    await first.flush();
    const reopened = await JobStore.open({ dir, logger: silentLogger() });
    expect(reopened.list().map((r) => [r.id, r.status, r.error])).toEqual([
      ['early', 'FINISHED:ABNORMAL', 'the server stopped while the job ran'],
      ['late', 'SUBMITTED', null],
    ]);
  });
});
