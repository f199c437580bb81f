import type { Dxo, ParamMap } from '@hearth/core';
import type { RoundSummary } from './round-summary.js';

/** Identifies a workflow's snapshot: the job and the workflow's component id. */
export interface SnapshotKey {
  readonly jobId: string;
  readonly workflowId: string;
}

/** Enough state to resume a workflow after the last completed round (used for server fail-over). */
export interface WorkflowSnapshot extends SnapshotKey {
  /** The last round that completed. */
  readonly round: number;
  /** The global model after that round (WEIGHTS). */
  readonly model: Dxo;
  /** Round summaries so far. */
  readonly history: readonly RoundSummary[];
  /**
   * Named tensor state the workflow needs besides the model, e.g. a server optimizer's moments
   * (`model_updater`) or SCAFFOLD's global control variate (`scaffold_c_global`). @default none
   */
  readonly state?: Readonly<Record<string, ParamMap>>;
}

/**
 * Where workflows write their snapshots and read them back on start. In memory here; the HA lib provides a
 * shared (Redis) store behind the same port.
 */
export interface SnapshotStore {
  /** Stores `snapshot`, replacing the previous one for the same key. */
  save(snapshot: WorkflowSnapshot): Promise<void>;
  /** The latest snapshot for `key`, or undefined. */
  load(key: SnapshotKey): Promise<WorkflowSnapshot | undefined>;
}

/** True when `value` implements {@link SnapshotStore} (structural check, for components looked up by id). */
export function isSnapshotStore(value: unknown): value is SnapshotStore {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<SnapshotStore>;
  return typeof candidate.save === 'function' && typeof candidate.load === 'function';
}
