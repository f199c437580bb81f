import type { EngineSpec } from './engine-spec.js';
import { FLContextManager } from './fl-context.js';
import { silentLogger } from './logger.js';

const engine: EngineSpec = {
  siteName: 'site-1',
  jobId: 'job-1',
  logger: silentLogger(),
  workspaceDir: '/tmp',
  getComponent: () => undefined,
  fireEvent: async () => undefined,
  newContext: () => manager.newContext(),
};
const manager = new FLContextManager({ siteName: 'site-1', jobId: 'job-1', engine });

describe('FLContext', () => {
  it('carries sticky props into later contexts, not plain ones', () => {
    const first = manager.newContext();
    first.set('round', 3, { sticky: true });
    first.set('scratch', 'x');
    const second = manager.newContext();
    expect(second.get('round')).toBe(3);
    expect(second.has('scratch')).toBe(false);
  });

  it('shares only public props with peers', () => {
    const ctx = manager.newContext({ from: 'server' });
    ctx.set('secret', 'k');
    ctx.set('visible', 1, { private: false });
    expect(ctx.publicProps()).toEqual({ visible: 1 });
    expect(ctx.peerProps).toEqual({ from: 'server' });
  });
});
