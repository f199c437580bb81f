import { DataKind, Dxo, MetaKey } from './dxo.js';
import { CoreErrorCode, isHearthError } from './errors.js';
import { f32 } from './param-map.js';
import type { ParamSource } from './param-source.js';
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

describe('a Dxo whose tensors stay in a ParamSource', () => {
  function countingSource(): { source: ParamSource; loads: () => number } {
    let loads = 0;
    const source: ParamSource = {
      specs: [{ name: 'w', dtype: 'F32', shape: [2] }],
      forEachSlice: (_name, _maxBytes, visit) => visit(Float32Array.of(1, 2), 0),
      load: () => {
        loads += 1;
        return new Map([['w', f32([2], [1, 2])]]);
      },
    };
    return { source, loads: () => loads };
  }

  it('reads them on the first access to params, once, and keeps the source through withMeta until then', () => {
    const { source, loads } = countingSource();
    const dxo = new Dxo({ kind: DataKind.WEIGHTS, paramSource: source, meta: { a: 1 } });
    const tagged = dxo.withMeta({ b: 2 });
    expect(tagged.paramSource).toBe(source);
    expect([dxo.paramsLoaded, tagged.paramsLoaded, loads()]).toEqual([false, false, 0]);
    expect(dxo.requireParams().get('w')?.data).toEqual(Float32Array.of(1, 2));
    expect(dxo.params).toBe(dxo.requireParams());
    expect([dxo.paramsLoaded, loads()]).toEqual([true, 1]);
    expect(dxo.withMeta({ c: 3 }).params).toBe(dxo.params);
    expect(loads()).toBe(1);
  });

  it('refuses params and a paramSource together', () => {
    const { source } = countingSource();
    expect(() => new Dxo({ kind: DataKind.WEIGHTS, params: new Map(), paramSource: source })).toThrow(
      expect.objectContaining({ code: CoreErrorCode.INVALID_DXO }) as Error,
    );
  });
});
