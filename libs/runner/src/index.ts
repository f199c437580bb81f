export { RunnerErrorCode } from './errors.js';
export { RunProps } from './run-props.js';
export type { RunPropsOptions } from './run-props.js';
export { METRICS_STREAMS_DIR, appOf, buildJobClientApp, buildJobServerApp } from './job-apps.js';
export type { SiteAppsOptions } from './job-apps.js';
export { simulateJob, simulatedSiteNames } from './simulate-job.js';
export type { SimulateJobOptions, SimulateJobResult } from './simulate-job.js';
