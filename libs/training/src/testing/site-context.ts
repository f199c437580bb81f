import { ContextKey, FLContextManager, silentLogger } from '@hearth/core';
import type { AnalyticsPoint, EngineSpec, FLContext, Logger } from '@hearth/core';

/** Options of {@link siteContext}. */
export interface SiteContextOptions {
  readonly site: string;
  /** The run seed. @default 0 */
  readonly seed?: number;
  /** The job folder, for relative model files. */
  readonly jobDir?: string;
  /** @default silentLogger() */
  readonly logger?: Logger;
  /** Receives streamed analytics points. */
  readonly analytics?: AnalyticsPoint[];
}

/** A client-side FLContext for executor specs: site, seed and job folder set as a runner sets them. */
export function siteContext(options: SiteContextOptions): FLContext {
  const analytics = options.analytics;
  const engine: EngineSpec = {
    siteName: options.site,
    jobId: 'spec',
    logger: options.logger ?? silentLogger(),
    workspaceDir: '/tmp/hearth-training-spec',
    getComponent: () => undefined,
    fireEvent: () => Promise.resolve(),
    newContext: () => manager.newContext(),
    ...(analytics === undefined ? {} : { sendAnalytics: (point: AnalyticsPoint) => void analytics.push(point) }),
  };
  const manager = new FLContextManager({ siteName: options.site, jobId: 'spec', engine });
  const ctx = manager.newContext();
  ctx.set(ContextKey.SEED, options.seed ?? 0, { sticky: true });
  if (options.jobDir !== undefined) ctx.set(ContextKey.JOB_DIR, options.jobDir, { sticky: true });
  return ctx;
}
