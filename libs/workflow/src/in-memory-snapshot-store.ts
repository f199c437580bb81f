import { FLComponent, cloneParamMap } from '@hearth/core';
import type { ParamMap } from '@hearth/core';
import type { SnapshotKey, SnapshotStore, WorkflowSnapshot } from './snapshot-store.js';

/**
 * A copy of `snapshot` that later changes to the workflow cannot reach. The model's tensors are shared, not
 * copied: a global model is never modified once made (each round makes a new one, and tensors sent to clients
 * must stay valid), and copying it would double the server's memory for every job. History and the named
 * state (an updater's moments, which it may update in place) are copied.
 */
function copyOf(snapshot: WorkflowSnapshot): WorkflowSnapshot {
  const copy: WorkflowSnapshot = {
    jobId: snapshot.jobId,
    workflowId: snapshot.workflowId,
    round: snapshot.round,
    model: snapshot.model,
    history: snapshot.history.map((summary) => ({ ...summary, clients: [...summary.clients], metrics: { ...summary.metrics } })),
  };
  if (snapshot.state === undefined) return copy;
  const state: Record<string, ParamMap> = {};
  for (const [name, tensors] of Object.entries(snapshot.state)) state[name] = cloneParamMap(tensors);
  return { ...copy, state };
}

/**
 * A {@link SnapshotStore} in process memory. It stores copies (sharing the immutable model tensors), so a
 * snapshot does not change when the workflow goes on; it lets a workflow restarted in the same process resume, and serves tests. It is an
 * FLComponent so a job can configure it by id (`snapshotStoreId`).
 */
export class InMemorySnapshotStore extends FLComponent implements SnapshotStore {
  readonly #snapshots = new Map<string, WorkflowSnapshot>();

  /** Stores a copy of `snapshot`. */
  save(snapshot: WorkflowSnapshot): Promise<void> {
    this.#snapshots.set(JSON.stringify([snapshot.jobId, snapshot.workflowId]), copyOf(snapshot));
    return Promise.resolve();
  }

  /** A copy of the latest snapshot for `key`, or undefined. */
  load(key: SnapshotKey): Promise<WorkflowSnapshot | undefined> {
    const stored = this.#snapshots.get(JSON.stringify([key.jobId, key.workflowId]));
    return Promise.resolve(stored === undefined ? undefined : copyOf(stored));
  }
}
