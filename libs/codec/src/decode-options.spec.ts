import { compileDecodeOptions } from './decode-options.js';
import { CodecErrorCode } from './errors.js';
import { catchError } from './testing/catch-error.js';

describe('compileDecodeOptions', () => {
  it('fills every default in one place', () => {
    expect(compileDecodeOptions()).toEqual({
      maxBytes: 16 * 1024 ** 3,
      maxHeaderBytes: 100_000_000,
      maxTensors: 262_144,
      maxDepth: 16,
      maxJsonDepth: 64,
    });
  });

  it('keeps the limits it is given', () => {
    expect(compileDecodeOptions({ maxBytes: 10, maxDepth: 2 })).toMatchObject({ maxBytes: 10, maxDepth: 2, maxTensors: 262_144 });
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects %p as a limit, naming the option', (value) => {
    const err = catchError(() => compileDecodeOptions({ maxTensors: value }));
    expect(err.code).toBe(CodecErrorCode.INVALID_INPUT);
    expect(err.message).toContain('maxTensors');
  });
});
