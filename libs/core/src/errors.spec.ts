import { HearthError, isHearthError, toError } from './errors.js';

describe('HearthError', () => {
  it('carries a code, context and cause, and is recognised structurally', () => {
    const cause = new Error('disk full');
    const err = new HearthError('HEARTH_ERR_X', 'could not save', { context: { file: 'a' }, cause });
    expect(err.code).toBe('HEARTH_ERR_X');
    expect(err.context).toEqual({ file: 'a' });
    expect(err.cause).toBe(cause);
    expect(isHearthError(err, 'HEARTH_ERR_X')).toBe(true);
    expect(isHearthError(err, 'HEARTH_ERR_Y')).toBe(false);
    expect(isHearthError({ name: 'HearthError', code: 'HEARTH_ERR_X' })).toBe(true);
    expect(isHearthError(new Error('plain'))).toBe(false);
  });

  it('turns thrown non-errors into errors', () => {
    expect(toError('boom').message).toBe('boom');
    expect(toError({ a: 1 }).message).toBe('{"a":1}');
  });
});
