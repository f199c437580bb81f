import { templateJob } from './template-job.js';
import type { TemplateJobOptions } from './template-job.js';
import type { CompiledTemplateOptions } from './template-options.js';

/** Options of {@link writeTemplateJob}. */
export interface WriteTemplateJobOptions extends Omit<TemplateJobOptions, 'dir'> {
  /** The job folder to write (created if needed); the README shows it as given. */
  readonly dir: string;
  /** Write into a folder that already holds files (files the job does not write are left alone). @default false */
  readonly overwrite?: boolean;
}

/**
 * Writes a template's job folder and returns the options it used. Throws `HEARTH_ERR_TEMPLATE_UNKNOWN` or
 * `HEARTH_ERR_TEMPLATE_INVALID_OPTIONS` before touching the disk, and `HEARTH_ERR_JOB_DIR_NOT_EMPTY` when
 * `dir` holds files and `overwrite` is not set.
 */
export async function writeTemplateJob(options: WriteTemplateJobOptions): Promise<CompiledTemplateOptions> {
  const job = templateJob(options);
  await job.builder.write(options.dir, { overwrite: options.overwrite === true });
  return job.options;
}
