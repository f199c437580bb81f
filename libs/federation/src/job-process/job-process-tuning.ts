/**
 * How job processes are started differently from the daemons: they receive, hold and fold models of up to
 * several GiB arriving in 1 MiB chunks. Both settings were found with tools/bench/transport on a 2-core VM
 * (docs/benchmarks/transport.md); the daemon's environment can override each one.
 */

/**
 * glibc malloc tunables (`GLIBC_TUNABLES`). With `hugetlb=1` glibc advises its large allocations (model
 * tensors, receive buffers) for transparent huge pages, so they fault in 2 MiB at a time, not 4 KiB. On one
 * benchmark VM the first touch of fresh memory cost 3 CPU s per GiB with 4 KiB pages, against 0.08 s to copy
 * into memory already touched. On a VM whose balloon reports free memory to the host, huge pages can cost more
 * than 4 KiB pages instead (docs/deployment.md).
 */
export const JOB_PROCESS_MALLOC_TUNABLES: Readonly<Record<string, string>> = {
  'glibc.malloc.hugetlb': '1',
};

/**
 * V8 flags. A process that holds GiBs of tensors outside the JS heap but only a few MB inside it gets a
 * tight old-generation limit, and a server folding results then ran a mark-compact every 65 ms (200 per
 * GiB received, a fifth of its CPU). An initial old space of 256 MB keeps that limit above what such a
 * process allocates; the heap is not committed up front.
 */
export const JOB_PROCESS_NODE_FLAGS: readonly string[] = ['--initial-old-space-size=256'];

/**
 * `env` with {@link JOB_PROCESS_MALLOC_TUNABLES} added to its `GLIBC_TUNABLES`. A tunable the operator already
 * set there keeps the operator's value (`GLIBC_TUNABLES=glibc.malloc.hugetlb=0` turns huge pages off). Other
 * C libraries (musl) ignore the variable.
 */
export function withMallocTunables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const given = (env['GLIBC_TUNABLES'] ?? '').split(':').filter((entry) => entry !== '');
  const named = new Set(given.map((entry) => entry.split('=')[0]));
  const added = Object.entries(JOB_PROCESS_MALLOC_TUNABLES)
    .filter(([name]) => !named.has(name))
    .map(([name, value]) => `${name}=${value}`);
  return { ...env, GLIBC_TUNABLES: [...given, ...added].join(':') };
}

/** The environment variable that replaces {@link JOB_PROCESS_NODE_FLAGS} (space-separated; empty for none). */
export const JOB_PROCESS_NODE_FLAGS_ENV = 'HEARTH_JOB_PROCESS_NODE_FLAGS';

/**
 * The Node flags a job process starts with: {@link JOB_PROCESS_NODE_FLAGS}, or the daemon's
 * `HEARTH_JOB_PROCESS_NODE_FLAGS` when set (Node refuses `--initial-old-space-size` in `NODE_OPTIONS`).
 */
export function jobProcessNodeFlags(env: NodeJS.ProcessEnv): string[] {
  const given = env[JOB_PROCESS_NODE_FLAGS_ENV];
  if (given === undefined) return [...JOB_PROCESS_NODE_FLAGS];
  return given.split(/\s+/).filter((flag) => flag !== '');
}
