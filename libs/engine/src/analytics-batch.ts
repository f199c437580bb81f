import type { AnalyticsMessage, AnalyticsRecord } from './analytics-message.js';

/**
 * What the server hands components with {@link EngineEventType.ANALYTICS_RECEIVED}: points one client
 * streamed during one round, in the order it took them.
 */
export interface AnalyticsBatch {
  /** The client that streamed them. */
  readonly site: string;
  /** Their round, or null for points taken outside a round. */
  readonly round: number | null;
  readonly points: readonly AnalyticsRecord[];
  /** Points this client lost just before these ones (see {@link AnalyticsMessage}). */
  readonly dropped: number;
}

/**
 * Splits a message into one batch per run of points with the same round. A message with no points but with
 * drops to report becomes one empty batch, so receivers still learn of the gap.
 */
export function analyticsBatches(site: string, message: AnalyticsMessage): AnalyticsBatch[] {
  const batches: AnalyticsBatch[] = [];
  let dropped = message.dropped;
  let start = 0;
  const { points } = message;
  for (let i = 1; i <= points.length; i++) {
    const round = points[start]?.round ?? null;
    if (i < points.length && (points[i]?.round ?? null) === round) continue;
    batches.push({ site, round, points: points.slice(start, i), dropped });
    dropped = 0;
    start = i;
  }
  if (batches.length === 0 && dropped > 0) batches.push({ site, round: null, points: [], dropped });
  return batches;
}
