import { lstat, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { FederationErrorCode, federationError } from '../errors.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** First bytes of an (uncompressed) bundle. */
const MAGIC = new TextEncoder().encode('HRTHBNDL');
const VERSION = 1;
const MAX_PATH_BYTES = 1024;

/** Default largest bundle, packed or unpacked: 256 MiB. */
export const DEFAULT_MAX_BUNDLE_BYTES = 256 * 1024 * 1024;

/** Options for {@link packFolder}. */
export interface PackFolderOptions {
  /** The folder to pack; paths in the bundle are relative to it. */
  readonly dir: string;
  /** Entries to leave out, by name and kind. @default none */
  readonly exclude?: (name: string, isDirectory: boolean) => boolean;
  /** Largest total of file bytes. @default 256 MiB */
  readonly maxBytes?: number;
}

/** Options for {@link unpackBundle}. */
export interface UnpackBundleOptions {
  /** The bundle, as {@link packFolder} made it. Untrusted. */
  readonly bytes: Uint8Array;
  /** Where the files go; must not exist yet, or be empty. */
  readonly dir: string;
  /** Largest unpacked size. @default 256 MiB */
  readonly maxBytes?: number;
  /** Most files. @default 10000 */
  readonly maxFiles?: number;
}

function invalid(message: string, context: Readonly<Record<string, unknown>> = {}): Error {
  return federationError(FederationErrorCode.INVALID_BUNDLE, message, { context });
}

async function collect(options: { readonly root: string; readonly dir: string; readonly exclude: PackFolderOptions['exclude']; readonly files: string[] }): Promise<void> {
  const entries = await readdir(options.dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(options.dir, entry.name);
    if (options.exclude?.(entry.name, entry.isDirectory()) === true) continue;
    if (entry.isDirectory()) await collect({ ...options, dir: path });
    else if (entry.isFile()) options.files.push(relative(options.root, path).split(sep).join('/'));
    else throw invalid(`${path} is neither a file nor a folder (links are not packed)`, { path });
  }
}

/**
 * Packs the files under `dir` into one gzip-compressed bundle: relative `/`-separated paths and contents,
 * in a stable order. Used to submit job folders and to download a job's results.
 */
export async function packFolder(options: PackFolderOptions): Promise<Uint8Array> {
  const root = resolve(options.dir);
  if (!(await lstat(root).catch(() => undefined))?.isDirectory()) throw invalid(`${root} is not a folder`, { dir: root });
  const files: string[] = [];
  await collect({ root, dir: root, exclude: options.exclude, files });
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BUNDLE_BYTES;
  const parts: Uint8Array[] = [MAGIC, u32(VERSION), u32(files.length)];
  let total = 0;
  for (const path of files) {
    const data = await readFile(join(root, path));
    total += data.byteLength;
    if (total > maxBytes) throw invalid(`the files under ${root} exceed the bundle limit of ${maxBytes} bytes`, { dir: root, maxBytes });
    const name = new TextEncoder().encode(path);
    parts.push(u32(name.byteLength), name, u64(data.byteLength), data);
  }
  return new Uint8Array(await gzipAsync(Buffer.concat(parts)));
}

function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return bytes;
}

function u64(value: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(value), true);
  return bytes;
}

/** Checks one path from a bundle: relative, `/`-separated, no empty, `.` or `..` segment, no backslash or NUL. */
function checkPath(path: string): void {
  const segments = path.split('/');
  const bad = path.length === 0 || path.includes('\\') || path.includes('\0') || segments.some((s) => s === '' || s === '.' || s === '..' || s.length > 255);
  if (bad) throw invalid(`bundle path ${JSON.stringify(path)} is not a plain relative path`, { path });
}

/**
 * Unpacks a bundle into `dir`, checking everything first: the size after decompression, the header, that
 * every path stays inside `dir`, that no path repeats, and the limits. Returns the unpacked paths.
 */
export async function unpackBundle(options: UnpackBundleOptions): Promise<string[]> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BUNDLE_BYTES;
  const maxFiles = options.maxFiles ?? 10_000;
  let raw: Buffer;
  try {
    raw = await gunzipAsync(options.bytes, { maxOutputLength: maxBytes + MAX_PATH_BYTES * maxFiles + 16 * maxFiles + 16 });
  } catch (err) {
    throw invalid(`bundle is not gzip data within ${maxBytes} bytes: ${(err as Error).message}`);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  let at = 0;
  const need = (count: number, what: string): void => {
    if (at + count > raw.byteLength) throw invalid(`bundle ends inside ${what}`, { offset: at });
  };
  need(MAGIC.byteLength + 8, 'its header');
  if (!MAGIC.every((b, i) => raw[i] === b)) throw invalid('bundle does not start with HRTHBNDL');
  at = MAGIC.byteLength;
  const version = view.getUint32(at, true);
  if (version !== VERSION) throw invalid(`bundle version ${version} is not supported (expected ${VERSION})`, { version });
  const count = view.getUint32(at + 4, true);
  at += 8;
  if (count > maxFiles) throw invalid(`bundle holds ${count} files, over the limit of ${maxFiles}`, { count, maxFiles });
  const files: Array<{ readonly path: string; readonly data: Uint8Array }> = [];
  const seen = new Set<string>();
  let total = 0;
  for (let i = 0; i < count; i++) {
    need(4, `the name of file ${i}`);
    const nameBytes = view.getUint32(at, true);
    at += 4;
    if (nameBytes > MAX_PATH_BYTES) throw invalid(`bundle file ${i} has a ${nameBytes}-byte name, over ${MAX_PATH_BYTES}`);
    need(nameBytes + 8, `the name of file ${i}`);
    const path = new TextDecoder('utf-8', { fatal: true }).decode(raw.subarray(at, at + nameBytes));
    at += nameBytes;
    checkPath(path);
    if (seen.has(path)) throw invalid(`bundle holds ${path} twice`, { path });
    seen.add(path);
    const size = Number(view.getBigUint64(at, true));
    at += 8;
    total += size;
    if (total > maxBytes) throw invalid(`bundle files exceed ${maxBytes} bytes`, { maxBytes });
    need(size, `file ${path}`);
    files.push({ path, data: raw.subarray(at, at + size) });
    at += size;
  }
  if (at !== raw.byteLength) throw invalid(`bundle has ${raw.byteLength - at} bytes after its last file`);
  const root = resolve(options.dir);
  const existing = await readdir(root).catch(() => [] as string[]);
  if (existing.length > 0) throw invalid(`${root} is not empty; a bundle unpacks into a new folder`, { dir: root });
  for (const file of files) {
    const target = resolve(root, file.path);
    if (!target.startsWith(`${root}${sep}`)) throw invalid(`bundle path ${file.path} leaves the folder`, { path: file.path });
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.data, { mode: 0o644 });
  }
  return files.map((file) => file.path);
}
