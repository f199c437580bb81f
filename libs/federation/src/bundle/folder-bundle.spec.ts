import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FederationErrorCode } from '../errors.js';
import { HELLO_LINEAR_DIR } from '../testing/job-fixtures.js';
import { packFolder, unpackBundle } from './folder-bundle.js';
import { packJobFolder } from './job-folder-bundle.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-bundle-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function rawBundle(entries: ReadonlyArray<{ readonly path: string; readonly data: string }>, count = entries.length): Uint8Array {
  const parts: Buffer[] = [Buffer.from('HRTHBNDL'), Buffer.alloc(4), Buffer.alloc(4)];
  parts[1]?.writeUInt32LE(1);
  parts[2]?.writeUInt32LE(count);
  for (const entry of entries) {
    const name = Buffer.from(entry.path);
    const length = Buffer.alloc(4);
    length.writeUInt32LE(name.length);
    const size = Buffer.alloc(8);
    size.writeBigUInt64LE(BigInt(Buffer.byteLength(entry.data)));
    parts.push(length, name, size, Buffer.from(entry.data));
  }
  return gzipSync(Buffer.concat(parts));
}

describe('folder bundles', () => {
  it('packs a folder and unpacks the same files and bytes', async () => {
    await mkdir(join(dir, 'src/app/config'), { recursive: true });
    await writeFile(join(dir, 'src/meta.json'), '{"name":"x"}');
    await writeFile(join(dir, 'src/app/config/config_fed_client.json'), '{}');
    await writeFile(join(dir, 'src/app/weights.bin'), Buffer.from([0, 1, 2, 255]));
    const bytes = await packFolder({ dir: join(dir, 'src') });
    const files = await unpackBundle({ bytes, dir: join(dir, 'out') });
    expect(files).toEqual(['app/config/config_fed_client.json', 'app/weights.bin', 'meta.json']);
    expect([...(await readFile(join(dir, 'out/app/weights.bin')))]).toEqual([0, 1, 2, 255]);
    expect(await readFile(join(dir, 'out/meta.json'), 'utf8')).toBe('{"name":"x"}');
  });

  it('leaves build output, dependencies and dot files out of a job bundle', async () => {
    await unpackBundle({ bytes: await packJobFolder(HELLO_LINEAR_DIR), dir: join(dir, 'job') });
    const top = await readdir(join(dir, 'job'));
    expect(top).toEqual(expect.arrayContaining(['meta.json', 'app']));
    expect(top).not.toEqual(expect.arrayContaining(['dist']));
    expect(top.some((name) => name.startsWith('.') || name === 'out-tsc' || name === 'node_modules')).toBe(false);
  });

  it('refuses paths that leave the folder, repeat, or are not plain', async () => {
    for (const path of ['../evil', '/etc/passwd', 'a/../../b', 'a//b', 'a\\b']) {
      await expect(unpackBundle({ bytes: rawBundle([{ path, data: 'x' }]), dir: join(dir, 'out') })).rejects.toMatchObject({
        code: FederationErrorCode.INVALID_BUNDLE,
        message: expect.stringContaining('is not a plain relative path'),
      });
    }
    await expect(unpackBundle({ bytes: rawBundle([{ path: 'a', data: '1' }, { path: 'a', data: '2' }]), dir: join(dir, 'out') })).rejects.toMatchObject({
      message: 'bundle holds a twice',
    });
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses truncated bundles, trailing bytes, other data and sizes over the limits', async () => {
    await expect(unpackBundle({ bytes: rawBundle([{ path: 'a', data: 'x' }], 2), dir: join(dir, 'o1') })).rejects.toMatchObject({ message: 'bundle ends inside the name of file 1' });
    await expect(unpackBundle({ bytes: gzipSync(Buffer.from('not a bundle at all')), dir: join(dir, 'o2') })).rejects.toMatchObject({ message: 'bundle does not start with HRTHBNDL' });
    await expect(unpackBundle({ bytes: new Uint8Array([1, 2, 3]), dir: join(dir, 'o3') })).rejects.toMatchObject({ code: FederationErrorCode.INVALID_BUNDLE });
    await expect(unpackBundle({ bytes: rawBundle([{ path: 'a', data: '0123456789' }]), dir: join(dir, 'o4'), maxBytes: 5 })).rejects.toMatchObject({
      code: FederationErrorCode.INVALID_BUNDLE,
    });
    await expect(unpackBundle({ bytes: rawBundle([{ path: 'a', data: 'x' }, { path: 'b', data: 'y' }]), dir: join(dir, 'o5'), maxFiles: 1 })).rejects.toMatchObject({
      message: 'bundle holds 2 files, over the limit of 1',
    });
  });

  it('refuses to unpack into a folder that holds files, and to pack links', async () => {
    await writeFile(join(dir, 'present'), 'x');
    await expect(unpackBundle({ bytes: rawBundle([{ path: 'a', data: 'x' }]), dir })).rejects.toMatchObject({ message: expect.stringContaining('is not empty') });
    await mkdir(join(dir, 'linked'));
    await symlink('/etc/hostname', join(dir, 'linked/host'));
    await expect(packFolder({ dir: join(dir, 'linked') })).rejects.toMatchObject({ message: expect.stringContaining('links are not packed') });
  });
});
