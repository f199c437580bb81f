import { ContextKey, FLContext, silentLogger } from '@hearth/core';
import type { EngineSpec, Logger } from '@hearth/core';

/** A server-side FLContext for algorithm specs, with the round to aggregate set when `round` is given. */
export function serverContext(options: { readonly round?: number; readonly logger?: Logger } = {}): FLContext {
  const engine: EngineSpec = {
    siteName: 'server',
    jobId: 'job-1',
    logger: options.logger ?? silentLogger(),
    workspaceDir: '/nonexistent',
    getComponent: () => undefined,
    fireEvent: () => Promise.resolve(),
    newContext: () => new FLContext({ siteName: 'server', jobId: 'job-1', engine }),
  };
  const ctx = new FLContext({ siteName: 'server', jobId: 'job-1', engine });
  if (options.round !== undefined) ctx.set(ContextKey.CURRENT_ROUND, options.round);
  return ctx;
}
