import type { JobBuilder } from '@hearth/job';
import { cyclicTemplate } from './cyclic-template.js';
import { fedavgTemplate } from './fedavg-template.js';
import { fedoptTemplate } from './fedopt-template.js';
import { fedproxTemplate } from './fedprox-template.js';
import { scaffoldTemplate } from './scaffold-template.js';
import { toTemplateName } from './template-names.js';
import type { TemplateName } from './template-names.js';
import { compileTemplateOptions } from './template-options.js';
import type { CompiledTemplateOptions, TemplateOptions } from './template-options.js';
import { templateReadme } from './template-readme.js';

const BUILDERS: Readonly<Record<TemplateName, (options: CompiledTemplateOptions) => JobBuilder>> = {
  fedavg: fedavgTemplate,
  fedprox: fedproxTemplate,
  fedopt: fedoptTemplate,
  scaffold: scaffoldTemplate,
  cyclic: cyclicTemplate,
};

/** Which template to build, with what options, and how its README names the folder. */
export interface TemplateJobOptions {
  /** One of `TEMPLATE_NAMES`; anything else throws `HEARTH_ERR_TEMPLATE_UNKNOWN`. */
  readonly template: string;
  /** @default every option's default (see `templateDefaults`) */
  readonly options?: TemplateOptions;
  /** The job folder as the README's run command shows it. @default the job's name */
  readonly dir?: string;
}

/** A template job ready to write, and the options it was built from. */
export interface TemplateJob {
  readonly builder: JobBuilder;
  readonly options: CompiledTemplateOptions;
}

/**
 * Builds a template's job: `meta.json`, the app configs, the seeded initial model and a README, as a
 * {@link JobBuilder} that writes a folder `validateJob` accepts with the built-in registry.
 */
export function templateJob(input: TemplateJobOptions): TemplateJob {
  const template = toTemplateName(input.template);
  const options = compileTemplateOptions(template, input.options);
  const builder = BUILDERS[template](options).addFile('README.md', templateReadme({ job: options, dir: input.dir ?? options.name }));
  return { builder, options };
}
