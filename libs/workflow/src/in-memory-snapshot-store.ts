import { FLComponent, cloneParamMap } from '@hearth/core';
import type { ParamMap } from '@hearth/core';
import type { SnapshotKey, SnapshotStore, WorkflowSnapshot } from './snapshot-store.js';

function copyOf(snapshot: WorkflowSnapshot): WorkflowSnapshot {
  const params = snapshot.model.params;
  const copy: WorkflowSnapshot = {
    jobId: snapshot.jobId,
    workflowId: snapshot.workflowId,
    round: snapshot.round,
    model: params === undefined ? snapshot.model : snapshot.model.withParams(cloneParamMap(params)),
    history: snapshot.history.map((summary) => ({ ...summary, clients: [...summary.clients], metrics: { ...summary.metrics } })),
  };
  if (snapshot.state === undefined) return copy;
  const state: Record<string, ParamMap> = {};
  for (const [name, tensors] of Object.entries(snapshot.state)) state[name] = cloneParamMap(tensors);
  return { ...copy, state };
}

/**
 * A {@link SnapshotStore} in process memory. It stores deep copies, so a snapshot does not change when the
 * workflow goes on; it lets a workflow restarted in the same process resume, and serves tests. It is an
 * FLComponent so a job can configure it by id (`snapshotStoreId`).
 */
export class InMemorySnapshotStore extends FLComponent implements SnapshotStore {
  readonly #snapshots = new Map<string, WorkflowSnapshot>();

  /** Stores a deep copy of `snapshot`. */
  save(snapshot: WorkflowSnapshot): Promise<void> {
    this.#snapshots.set(JSON.stringify([snapshot.jobId, snapshot.workflowId]), copyOf(snapshot));
    return Promise.resolve();
  }

  /** A deep copy of the latest snapshot for `key`, or undefined. */
  load(key: SnapshotKey): Promise<WorkflowSnapshot | undefined> {
    const stored = this.#snapshots.get(JSON.stringify([key.jobId, key.workflowId]));
    return Promise.resolve(stored === undefined ? undefined : copyOf(stored));
  }
}
