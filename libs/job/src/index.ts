export { JobErrorCode } from './errors.js';
export type { JobErrorCodeValue } from './errors.js';
export { formatJobProblem, JobInvalidError } from './job-problem.js';
export type { JobInvalidErrorOptions, JobProblem } from './job-problem.js';
export { ALL_SITES, DeployMapSchema, JobMetaSchema, ResourceRequestSchema, SERVER_SITE } from './job-meta-schema.js';
export type { DeployMap, JobMeta, ResourceRequest } from './job-meta-schema.js';
export {
  ALL_TASKS,
  ClientAppConfigSchema,
  ComponentConfigSchema,
  ExecutorBindingConfigSchema,
  ExecutorConfigSchema,
  FilterBindingConfigSchema,
  FilterConfigSchema,
  FORMAT_VERSION,
  ServerAppConfigSchema,
} from './app-config-schema.js';
export type {
  ClientAppConfig,
  ComponentConfig,
  ExecutorBindingConfig,
  ExecutorConfig,
  FilterBindingConfig,
  FilterConfig,
  ServerAppConfig,
} from './app-config-schema.js';
export { appConfigFile, JobLayout } from './job-layout.js';
export type { AppSide } from './job-layout.js';
export { appForSite, deployedClientSites, isAllSites, isValidAppName, isValidSiteName } from './deployment.js';
export { defineComponent } from './component-definition.js';
export type { ComponentDefinition, ComponentRefs, TypedComponentDefinition } from './component-definition.js';
export { ComponentRegistry } from './component-registry.js';
export type { ResolveComponentOptions } from './component-registry.js';
export { isCustomType, parseCustomType } from './custom-component.js';
export type { CustomTypeName } from './custom-component.js';
export { validateJob } from './validate-job.js';
export type { ValidateJobOptions } from './inspect-job.js';
export { loadJob } from './load-job.js';
export type { JobApp, LoadedJob } from './load-job.js';
export { buildClientApp, buildServerApp } from './build-app.js';
export type { AppFilters, BuildAppOptions, ClientApp, ExecutorBinding, FilterBinding, ServerApp } from './build-app.js';
export { canTransition, isFinishedStatus, isJobStatus, JOB_STATUS_TRANSITIONS, JobStatus, transition } from './job-status.js';
export type { JobStatusValue } from './job-status.js';
export { ClientAppBuilder, ServerAppBuilder } from './app-config-builder.js';
export type { ExecutorBindingInput, FilterBindingInput } from './app-config-builder.js';
export { JobBuilder } from './job-builder.js';
export type { JobBuilderOptions, WriteJobOptions } from './job-builder.js';
