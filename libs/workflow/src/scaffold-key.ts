/**
 * The SCAFFOLD wire contract between {@link ScatterAndGatherScaffold} and client executors: the names of the
 * items of the COLLECTION DXOs both ways. libs/workflow/README.md describes the whole exchange.
 *
 * - Task data: a COLLECTION with `model` (WEIGHTS, the global model x, with current_round / total_rounds meta)
 *   and `scaffold_c_global` (WEIGHTS, the global control variate c: one tensor per F32/F64 model tensor).
 * - Result: a COLLECTION with `model` (WEIGHT_DIFF y_i − x, or WEIGHTS y_i, with NUM_STEPS_CURRENT_ROUND and
 *   `metrics` in its meta, exactly what a FedAvg client returns) and `scaffold_c_diff` (WEIGHTS, Δc_i = c_i⁺ − c_i,
 *   the same names and shapes as `scaffold_c_global`).
 */
export const ScaffoldKey = {
  /** The model item, both ways. */
  MODEL: 'model',
  /** The global control variate c, in the task data. */
  CONTROL_GLOBAL: 'scaffold_c_global',
  /** The client's control-variate update Δc_i, in the result. */
  CONTROL_DIFF: 'scaffold_c_diff',
} as const;
