import { FLComponent, isHearthError } from '@hearth/core';
import { ComponentRegistry } from './component-registry.js';
import { JobErrorCode } from './errors.js';

class Plain extends FLComponent {}

describe('ComponentRegistry', () => {
  it('registers, looks up and lists types', async () => {
    const registry = new ComponentRegistry()
      .register({ type: 'B', create: () => new Plain() })
      .register({ type: 'A', create: () => new Plain() });
    expect(registry.has('A')).toBe(true);
    expect(registry.has('C')).toBe(false);
    expect(registry.get('B')?.type).toBe('B');
    expect(registry.get('C')).toBeUndefined();
    expect(registry.types()).toEqual(['A', 'B']);
    expect(await registry.resolve('A', { jobDir: '/job' })).toBe(registry.get('A'));
  });

  it('refuses a type registered twice and names that are empty or look like custom code', () => {
    const registry = new ComponentRegistry().register({ type: 'A', create: () => new Plain() });
    for (const type of ['A', '', 'pkg#A']) {
      expect(() => registry.register({ type, create: () => new Plain() })).toThrow(
        expect.objectContaining({ code: JobErrorCode.COMPONENT_TYPE_INVALID }),
      );
    }
  });

  it('names the registered types when a type is unknown', async () => {
    const registry = new ComponentRegistry().register({ type: 'ScatterAndGather', create: () => new Plain() });
    const error: unknown = await registry.resolve('ScaterAndGather', { jobDir: '/job' }).catch((e: unknown) => e);
    expect(isHearthError(error, JobErrorCode.COMPONENT_TYPE_UNKNOWN)).toBe(true);
    expect((error as Error).message).toBe('unknown component type "ScaterAndGather" (registered types: ScatterAndGather)');
    const empty: unknown = await new ComponentRegistry().resolve('X', { jobDir: '/job' }).catch((e: unknown) => e);
    expect((empty as Error).message).toBe('unknown component type "X" (no types are registered)');
  });
});
