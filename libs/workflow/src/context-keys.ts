import { ContextKey } from '@hearth/core';

/**
 * Context props the built-in workflows set, so components and the CLI read round state without knowing
 * which workflow runs.
 */
export const WorkflowContextKey = {
  /** The round being run (number); sticky. */
  CURRENT_ROUND: ContextKey.CURRENT_ROUND,
  /** The number of rounds the workflow runs (number); sticky. */
  NUM_ROUNDS: 'num_rounds',
  /** The current global model (a WEIGHTS Dxo). */
  GLOBAL_MODEL: 'global_model',
  /** The client result being handed to the aggregator (a Shareable), set for BEFORE/AFTER_CONTRIBUTION_ACCEPT. */
  TRAINING_RESULT: 'training_result',
  /** Whether the aggregator accepted that result (boolean), set for AFTER_CONTRIBUTION_ACCEPT. */
  AGGREGATION_ACCEPTED: 'aggregation_accepted',
  /** The aggregate of the round (a Shareable), set for AFTER_AGGREGATION. */
  AGGREGATION_RESULT: 'aggregation_result',
  /** The round's {@link RoundSummary}, set for ROUND_DONE. */
  ROUND_SUMMARY: 'round_summary',
  /** The cross-site validation matrix ({@link CrossSiteResults}), set on the run context when the evaluation ends. */
  CROSS_SITE_RESULTS: 'cross_site_results',
} as const;
