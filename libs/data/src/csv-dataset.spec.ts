import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseCsv, readCsvFile } from './csv-dataset.js';
import { csvRecords } from './csv-records.js';

describe('csvRecords', () => {
  it('handles quoted delimiters, newlines and doubled quotes, and reports start lines', () => {
    const text = 'a,b\r\n"x, y","say ""hi"""\n"multi\nline",2\n\n3,\n';
    expect([...csvRecords(text)]).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['x, y', 'say "hi"'], line: 2 },
      { fields: ['multi\nline', '2'], line: 3 },
      { fields: ['3', ''], line: 6 },
    ]);
  });

  it('strips a byte-order mark and accepts other delimiters and a final line without newline', () => {
    expect([...csvRecords('\ufeffa;b\n1;2', { delimiter: ';' })].map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('keeps a record made of one empty quoted field', () => {
    expect([...csvRecords('a\n""\n')].map((r) => r.fields)).toEqual([['a'], ['']]);
  });

  it.each([
    ['a,b\n1,"2\n3,4\n', 'data.csv:2: quoted field is never closed'],
    ['a,b\n1,"2"x\n', 'data.csv:2: unexpected "x" after a closing quote'],
    ['a,b\n"1\n",2\n3,4"\n', 'data.csv:4: quote inside an unquoted field'],
  ])('rejects malformed quoting %#', (text, message) => {
    expect(() => [...csvRecords(text, { source: 'data.csv' })]).toThrow(
      expect.objectContaining({ code: 'HEARTH_ERR_DATA_CSV_SYNTAX', message: expect.stringContaining(message) }),
    );
  });
});

describe('parseCsv', () => {
  const text = ['f1,label,"f 2"', '1.5,0,-2', '" 3 ",2,1e3', '.5,1,+4'].join('\n');

  it('reads numeric features in header order and integer labels', () => {
    const ds = parseCsv(text, { labelColumn: 'label' });
    expect(ds.shape).toEqual([3, 2]);
    expect([...ds.x]).toEqual([1.5, -2, 3, 1000, 0.5, 4]);
    expect(ds.y).toBeInstanceOf(Int32Array);
    expect([...ds.y]).toEqual([0, 2, 1]);
    expect(ds.featureNames).toEqual(['f1', 'f 2']);
    expect(ds.labelName).toBe('label');
  });

  it('selects and orders feature columns and reads float labels', () => {
    const ds = parseCsv(text, { labelColumn: 'f1', featureColumns: ['f 2', 'label'], labelType: 'float32' });
    expect([...ds.x]).toEqual([-2, 0, 1000, 2, 4, 1]);
    expect(ds.y).toBeInstanceOf(Float32Array);
    expect([...ds.y]).toEqual([1.5, 3, 0.5]);
  });

  it('grows past its initial buffer', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${i},${i % 3}`);
    const ds = parseCsv(['v,label', ...rows].join('\n'), { labelColumn: 'label' });
    expect(ds.shape).toEqual([5000, 1]);
    expect(ds.x[4999]).toBe(4999);
  });

  it('names line and column of a value that is not a number', () => {
    const bad = 'a,label\n1,0\n"x\ny",1\n2,abc\n';
    expect(() => parseCsv(bad, { labelColumn: 'label', source: 'bad.csv' })).toThrow(
      expect.objectContaining({
        code: 'HEARTH_ERR_DATA_CSV_NOT_NUMERIC',
        message: 'bad.csv:3: column "a" holds "x\\ny", not a number',
        context: expect.objectContaining({ line: 3, column: 'a' }),
      }),
    );
    expect(() => parseCsv('a,label\n1,0\n2,\n', { labelColumn: 'label', source: 'e.csv' })).toThrow(
      expect.objectContaining({ code: 'HEARTH_ERR_DATA_CSV_NOT_NUMERIC', message: expect.stringContaining('e.csv:3: column "label"') }),
    );
  });

  it('rejects a fractional class label', () => {
    expect(() => parseCsv('a,label\n1,0.5\n', { labelColumn: 'label' })).toThrow(
      expect.objectContaining({ code: 'HEARTH_ERR_DATA_CSV_NOT_NUMERIC', message: expect.stringContaining('not a 32-bit integer') }),
    );
  });

  it('counts lines inside quoted fields when reporting a wrong field count', () => {
    const bad = 'a,b,label\n"1\n\n",2,0\n3,4\n';
    expect(() => parseCsv(bad, { labelColumn: 'label', source: 'n.csv' })).toThrow(
      expect.objectContaining({
        code: 'HEARTH_ERR_DATA_CSV_SYNTAX',
        message: 'n.csv:5: expected 3 fields as in the header, found 2',
      }),
    );
  });

  it('rejects missing columns, duplicate headers and empty input', () => {
    expect(() => parseCsv('a,b\n1,2\n', { labelColumn: 'label' })).toThrow(
      expect.objectContaining({ code: 'HEARTH_ERR_DATA_CSV_MISSING_COLUMN', message: '<csv>: no column named "label" in the header' }),
    );
    expect(() => parseCsv('a,b\n1,2\n', { labelColumn: 'a', featureColumns: ['c'] })).toThrow(
      expect.objectContaining({ code: 'HEARTH_ERR_DATA_CSV_MISSING_COLUMN' }),
    );
    expect(() => parseCsv('a,a,label\n', { labelColumn: 'label' })).toThrow(expect.objectContaining({ code: 'HEARTH_ERR_DATA_CSV_SYNTAX' }));
    expect(() => parseCsv('\n\n', { labelColumn: 'label' })).toThrow(
      expect.objectContaining({ code: 'HEARTH_ERR_DATA_CSV_SYNTAX', message: expect.stringContaining('no header row') }),
    );
  });

  it('accepts a header-only file as an empty dataset', () => {
    const ds = parseCsv('a,label\n', { labelColumn: 'label' });
    expect(ds.shape).toEqual([0, 1]);
    expect(ds.x.length).toBe(0);
  });
});

describe('readCsvFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hearth-csv-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads plain and gzipped files and names the path in errors', async () => {
    const plain = join(dir, 'd.csv');
    await writeFile(plain, 'x,label\n1,0\n2,1\n');
    const gz = join(dir, 'd.csv.gz');
    await writeFile(gz, gzipSync('x,label\n1,0\n2,1\n'));
    for (const path of [plain, gz]) expect([...(await readCsvFile(path, { labelColumn: 'label' })).y]).toEqual([0, 1]);
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, 'x,label\n1,0,9\n');
    await expect(readCsvFile(bad, { labelColumn: 'label' })).rejects.toMatchObject({
      code: 'HEARTH_ERR_DATA_CSV_SYNTAX',
      message: expect.stringContaining(`${bad}:2:`),
    });
  });
});
