import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isHearthError } from './errors.js';
import { resolveInside, writeFileAtomic, writeJsonAtomic } from './files.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-files-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('creates folders, replaces the file and leaves no temporary files', async () => {
    const path = join(dir, 'a/b/out.json');
    await writeFileAtomic(path, 'one');
    await writeFileAtomic(path, new TextEncoder().encode('two'));
    expect(await readFile(path, 'utf8')).toBe('two');
    expect(await readdir(join(dir, 'a/b'))).toEqual(['out.json']);
  });

  it('leaves the old file and no temporary file when the write fails', async () => {
    const path = join(dir, 'out.json');
    await writeFileAtomic(path, 'old');
    await expect(writeFileAtomic(join(path, 'not-a-dir', 'x'), 'new')).rejects.toThrow();
    expect(await readFile(path, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['out.json']);
  });
});

describe('writeJsonAtomic', () => {
  it('writes pretty JSON with a trailing newline, with the mode asked for', async () => {
    const path = join(dir, 'secret.json');
    await writeJsonAtomic(path, { token: 'x' }, { mode: 0o600 });
    expect(await readFile(path, 'utf8')).toBe('{\n  "token": "x"\n}\n');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });
});

describe('resolveInside', () => {
  it('resolves relative paths under the root', () => {
    expect(resolveInside({ root: dir, path: 'models/x', what: 'model_dir' })).toBe(join(dir, 'models/x'));
    expect(resolveInside({ root: dir, path: 'a/../b', what: 'model_dir' })).toBe(join(dir, 'b'));
  });

  it.each(['../escape', '/etc/passwd', 'a/../../escape'])('refuses %s with a coded error naming the argument', (path) => {
    let thrown: unknown;
    try {
      resolveInside({ root: dir, path, what: 'model_dir' });
    } catch (err) {
      thrown = err;
    }
    expect(isHearthError(thrown, 'HEARTH_ERR_INVALID_ARGUMENT')).toBe(true);
    expect((thrown as Error).message).toContain(`model_dir "${path}" must be a relative path inside`);
  });
});
