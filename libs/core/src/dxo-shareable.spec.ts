import { DataKind, Dxo, MetaKey } from './dxo.js';
import { isHearthError } from './errors.js';
import { f32 } from './param-map.js';
import { HeaderKey, ReturnCode, Shareable } from './shareable.js';

describe('Dxo', () => {
  it('requires params for tensor kinds and items for collections', () => {
    expect(() => new Dxo({ kind: DataKind.WEIGHTS })).toThrow(/needs params/);
    expect(() => new Dxo({ kind: DataKind.COLLECTION })).toThrow(/needs items/);
    expect(() => new Dxo({ kind: 'BOGUS' as never })).toThrow(/unknown DXO kind "BOGUS"/);
  });

  it('reads numeric meta with a fallback and merges meta without copying the payload', () => {
    const params = new Map([['w', f32([1], [1])]]);
    const dxo = new Dxo({ kind: DataKind.WEIGHTS, params, meta: { [MetaKey.NUM_STEPS_CURRENT_ROUND]: 7 } });
    expect(dxo.metaNumber(MetaKey.NUM_STEPS_CURRENT_ROUND, 1)).toBe(7);
    expect(dxo.metaNumber('missing', 1)).toBe(1);
    const merged = dxo.withMeta({ extra: true });
    expect(merged.params).toBe(params);
    expect(merged.meta).toEqual({ [MetaKey.NUM_STEPS_CURRENT_ROUND]: 7, extra: true });
  });

  it('refuses requireParams on a metrics DXO with a coded error', () => {
    const dxo = new Dxo({ kind: DataKind.METRICS, values: { loss: 1 } });
    expect.assertions(1);
    try {
      dxo.requireParams();
    } catch (err) {
      expect(isHearthError(err, 'HEARTH_ERR_INVALID_DXO')).toBe(true);
    }
  });
});

describe('Shareable', () => {
  it('defaults to OK and carries return codes and messages', () => {
    expect(new Shareable().returnCode).toBe(ReturnCode.OK);
    const failed = Shareable.withReturnCode(ReturnCode.EXECUTION_EXCEPTION, 'boom');
    expect(failed.returnCode).toBe('EXECUTION_EXCEPTION');
    expect(failed.stringHeader(HeaderKey.ERROR_MESSAGE)).toBe('boom');
  });

  it('keeps cookies in a jar and copies headers on copy()', () => {
    const s = new Shareable({ headers: { [HeaderKey.CURRENT_ROUND]: 3 } });
    s.setCookie('task', 'abc');
    s.setCookie('n', 2);
    expect(s.cookieJar).toEqual({ task: 'abc', n: 2 });
    const c = s.copy();
    c.headers[HeaderKey.CURRENT_ROUND] = 4;
    expect(s.numberHeader(HeaderKey.CURRENT_ROUND)).toBe(3);
  });
});
