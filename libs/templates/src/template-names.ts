import { TemplatesErrorCode, templatesError } from './errors.js';

/**
 * The job templates, one per federated algorithm: FedAvg, FedProx (FedAvg plus a proximal term on the
 * clients), FedOpt (a server optimizer on the mean update), SCAFFOLD (control variates) and cyclic weight
 * transfer.
 */
export const TEMPLATE_NAMES = ['fedavg', 'fedprox', 'fedopt', 'scaffold', 'cyclic'] as const;

/** One of {@link TEMPLATE_NAMES}. */
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

/** True when `name` is one of {@link TEMPLATE_NAMES}. */
export function isTemplateName(name: string): name is TemplateName {
  return (TEMPLATE_NAMES as readonly string[]).includes(name);
}

/** `name` as a {@link TemplateName}; throws `HEARTH_ERR_TEMPLATE_UNKNOWN` listing the choices otherwise. */
export function toTemplateName(name: string): TemplateName {
  if (isTemplateName(name)) return name;
  throw templatesError(TemplatesErrorCode.UNKNOWN_TEMPLATE, `unknown template "${name}"; choose one of ${TEMPLATE_NAMES.join(', ')}`, {
    context: { template: name, choices: [...TEMPLATE_NAMES] },
  });
}
