import { silentLogger } from '@hearth/core';
import { compileOrtOptions } from './ort-options.js';
import type { OrtSessionRunnerOptions } from './ort-options.js';

describe('compileOrtOptions', () => {
  it('fills in the documented defaults', () => {
    const compiled = compileOrtOptions();
    expect(compiled).toMatchObject({
      executionProviders: ['cuda', 'cpu'],
      deviceId: 0,
      ortLogLevel: 'fatal',
      transferFeeds: false,
      workerResourceLimits: undefined,
      sessionOptions: {
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
        logSeverityLevel: 4,
        extra: { session: { use_deterministic_compute: '1' } },
      },
    });
    expect(typeof compiled.logger.warn).toBe('function');
  });

  it('passes explicit choices through', () => {
    const logger = silentLogger();
    const compiled = compileOrtOptions({
      executionProviders: ['cpu'],
      deviceId: 1,
      intraOpNumThreads: 0,
      interOpNumThreads: 2,
      graphOptimizationLevel: 'basic',
      deterministic: false,
      transferFeeds: true,
      ortLogLevel: 'warning',
      logger,
    });
    expect(compiled.logger).toBe(logger);
    expect(compiled).toMatchObject({
      executionProviders: ['cpu'],
      deviceId: 1,
      transferFeeds: true,
      sessionOptions: {
        intraOpNumThreads: 0,
        interOpNumThreads: 2,
        graphOptimizationLevel: 'basic',
        executionMode: 'parallel',
        logSeverityLevel: 2,
        extra: { session: { use_deterministic_compute: '0' } },
      },
    });
  });

  it.each<[string, OrtSessionRunnerOptions, string]>([
    ['no provider', { executionProviders: [] }, 'executionProviders must name at least one provider'],
    ['unknown provider', { executionProviders: ['rocm' as 'cpu'] }, 'unknown execution provider "rocm"'],
    ['repeated provider', { executionProviders: ['cpu', 'cpu'] }, 'executionProviders lists a provider twice'],
    ['fractional threads', { intraOpNumThreads: 1.5 }, 'intraOpNumThreads must be a non-negative integer, got 1.5'],
    ['negative device', { deviceId: -1 }, 'deviceId must be a non-negative integer, got -1'],
    ['bad level', { graphOptimizationLevel: 'max' as 'all' }, 'unknown graphOptimizationLevel "max"'],
    ['bad log level', { ortLogLevel: 'loud' as 'info' }, 'unknown ortLogLevel "loud"'],
  ])('rejects %s', (_name, options, message) => {
    expect(() => compileOrtOptions(options)).toThrow(
      expect.objectContaining({ code: 'HEARTH_ERR_ORT_INVALID_OPTIONS', message: expect.stringContaining(message) }),
    );
  });
});
