import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { CoreErrorCode, HearthError } from './errors.js';

/** Largest single write; the kernel caps one call near 2 GiB, so bigger parts go in slices. */
const IO_SLICE_BYTES = 1 << 30;

async function writeAll(file: FileHandle, part: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < part.byteLength) {
    const { bytesWritten } = await file.write(part, offset, Math.min(IO_SLICE_BYTES, part.byteLength - offset));
    offset += bytesWritten;
  }
}

/** Options for {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** File mode of the new file (0o600 for secrets, 0o755 for scripts). @default 0o666 less the umask */
  readonly mode?: number;
}

/**
 * Writes `data` to `path` so that readers and crashes never see half a file: the bytes go to a temporary
 * file beside it (a random name, so concurrent writers never collide), are flushed to disk, then renamed
 * over `path`. Parts are written one after another, never joined, so a 4 GiB model needs no second copy.
 * The folder is created if needed; the temporary file is removed when anything fails.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array | readonly Uint8Array[], options: AtomicWriteOptions = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const parts = typeof data === 'string' ? [new TextEncoder().encode(data)] : data instanceof Uint8Array ? [data] : data;
  try {
    const file = await open(temporary, 'wx', options.mode);
    try {
      for (const part of parts) await writeAll(file, part);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (err) {
    await rm(temporary, { force: true });
    throw err;
  }
}

/** {@link writeFileAtomic} of `value` as pretty-printed JSON with a trailing newline. */
export function writeJsonAtomic(path: string, value: unknown, options: AtomicWriteOptions = {}): Promise<void> {
  return writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, options);
}

/** What {@link resolveInside} resolves. */
export interface ResolveInsideOptions {
  /** The folder the path must stay in. */
  readonly root: string;
  /** A path relative to `root`, as a job config gives it. */
  readonly path: string;
  /** What the path is, for the error message (e.g. `model_dir`). */
  readonly what: string;
}

/**
 * Resolves a path from untrusted configuration under `root`, refusing absolute paths and any `..` that
 * leaves `root`: a job may read and write only inside its own folders.
 */
export function resolveInside(options: ResolveInsideOptions): string {
  const root = resolve(options.root);
  const target = resolve(root, options.path);
  const inside = relative(root, target);
  if (isAbsolute(options.path) || inside.startsWith('..') || isAbsolute(inside)) {
    throw new HearthError(CoreErrorCode.INVALID_ARGUMENT, `${options.what} "${options.path}" must be a relative path inside ${root}`, {
      context: { what: options.what, path: options.path, root },
    });
  }
  return target;
}
