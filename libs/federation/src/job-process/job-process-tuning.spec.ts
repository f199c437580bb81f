import { JOB_PROCESS_MALLOC_TUNABLES, JOB_PROCESS_NODE_FLAGS, JOB_PROCESS_NODE_FLAGS_ENV, jobProcessNodeFlags, withMallocTunables } from './job-process-tuning.js';

const ours = Object.entries(JOB_PROCESS_MALLOC_TUNABLES).map(([name, value]) => `${name}=${value}`);

describe('withMallocTunables', () => {
  it('adds every job-process tunable when the environment has none', () => {
    const env = withMallocTunables({ PATH: '/usr/bin' });
    expect(env['PATH']).toBe('/usr/bin');
    expect(env['GLIBC_TUNABLES']?.split(':')).toEqual(ours);
  });

  it("keeps the operator's own value of a tunable and the tunables it does not set", () => {
    const env = withMallocTunables({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0:glibc.pthread.rseq=0' });
    const entries = env['GLIBC_TUNABLES']?.split(':') ?? [];
    expect(entries).toContain('glibc.malloc.hugetlb=0');
    expect(entries).toContain('glibc.pthread.rseq=0');
    expect(entries).not.toContain('glibc.malloc.hugetlb=1');
    expect(entries).toHaveLength(ours.length + 1);
  });

  it('does not change the environment it is given', () => {
    const given = { GLIBC_TUNABLES: '' };
    withMallocTunables(given);
    expect(given).toEqual({ GLIBC_TUNABLES: '' });
  });
});

describe('jobProcessNodeFlags', () => {
  it('gives the job-process flags unless the daemon environment replaces them', () => {
    expect(jobProcessNodeFlags({})).toEqual(JOB_PROCESS_NODE_FLAGS);
    expect(jobProcessNodeFlags({ [JOB_PROCESS_NODE_FLAGS_ENV]: ' --initial-old-space-size=64  --max-semi-space-size=32 ' })).toEqual([
      '--initial-old-space-size=64',
      '--max-semi-space-size=32',
    ]);
    expect(jobProcessNodeFlags({ [JOB_PROCESS_NODE_FLAGS_ENV]: '' })).toEqual([]);
  });
});
