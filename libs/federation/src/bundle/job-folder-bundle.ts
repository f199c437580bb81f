import { packFolder } from './folder-bundle.js';

/** Folder names never packed into a job bundle: build output, dependencies and tool state. */
const EXCLUDED_FOLDERS: ReadonlySet<string> = new Set(['node_modules', 'dist', 'out-tsc', 'coverage', 'workspace']);

/**
 * True for entries of a job folder that are development clutter rather than part of the job: dot entries,
 * build output, dependencies and TypeScript build info.
 */
export function isJobClutter(name: string, isDirectory: boolean): boolean {
  if (name.startsWith('.')) return true;
  if (isDirectory) return EXCLUDED_FOLDERS.has(name);
  return name.endsWith('.tsbuildinfo');
}

/**
 * Packs a job folder for submission: meta.json, the app folders and whatever else the job keeps there
 * (custom code, initial models), without {@link isJobClutter}. The server validates what it receives.
 */
export function packJobFolder(dir: string, options: { readonly maxBytes?: number } = {}): Promise<Uint8Array> {
  return packFolder({ dir, exclude: isJobClutter, ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }) });
}
