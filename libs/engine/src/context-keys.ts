/** Context props the engines set for every task, on the server and on clients. */
export const EngineContextKey = {
  /** Name of the task being handled. */
  TASK_NAME: 'task_name',
  /** Id of the (task, client) pair. */
  TASK_ID: 'task_id',
  /** The task data (a Shareable), after filtering. */
  TASK_DATA: 'task_data',
  /** The result (a Shareable), once there is one. */
  TASK_RESULT: 'task_result',
  /** The site on the other end: the client on the server, `server` on a client. */
  PEER_SITE: 'peer_site',
  /** With `analytics_received` on the server: the `AnalyticsBatch` a client streamed. */
  ANALYTICS: 'analytics',
} as const;
