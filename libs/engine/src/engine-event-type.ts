/** Events the engines fire besides core's `EventType`; components compare against these names. */
export const EngineEventType = {
  /**
   * The server received points a client streamed while it worked; `EngineContextKey.ANALYTICS` holds the
   * `AnalyticsBatch` and `EngineContextKey.PEER_SITE` the client. Batches of one client fire in arrival order.
   */
  ANALYTICS_RECEIVED: 'analytics_received',
} as const;

/** One of {@link EngineEventType}. */
export type EngineEventTypeValue = (typeof EngineEventType)[keyof typeof EngineEventType];
