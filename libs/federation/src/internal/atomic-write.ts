import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Options for {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** File mode of the new file (0o600 for secrets). @default 0o644 */
  readonly mode?: number;
}

/**
 * Writes `data` to a temporary file next to `path`, flushes it to disk and renames it over `path`, so a
 * crash or a signal leaves the old file or the new one, never half of one.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const file = await open(temporary, 'w', options.mode ?? 0o644);
    try {
      await file.writeFile(data);
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

/** {@link writeFileAtomic} of `value` as pretty JSON with a trailing newline. */
export function writeJsonAtomic(path: string, value: unknown, options: AtomicWriteOptions = {}): Promise<void> {
  return writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, options);
}
