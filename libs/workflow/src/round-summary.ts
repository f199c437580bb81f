/**
 * What one round produced, as the CLI prints and saves it: the round number, the clients whose
 * contributions were accepted (in arrival order) and the sample-weighted mean of every metric they reported.
 */
export interface RoundSummary {
  readonly round: number;
  readonly clients: readonly string[];
  readonly metrics: Readonly<Record<string, number>>;
  /**
   * True when this round's `best_metric` improved on every earlier round, so the model the clients evaluated
   * this round was saved under tag `best`. Absent otherwise.
   */
  readonly best?: boolean;
}
