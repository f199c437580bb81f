/**
 * A labelled classification dataset in the layout training programs consume: features row-major in one
 * Float32Array (already normalized), int64 labels for the loss, and the same labels as Int32Array for the
 * partitioners. Shared read-only by every site of a process; nothing writes into it after loading.
 */
export interface LabelledData {
  /** `count × features` values, row-major. */
  readonly x: Float32Array;
  /** Labels as the training graphs take them. */
  readonly y: BigInt64Array;
  /** The same labels as small integers. */
  readonly labels: Int32Array;
  /** Number of examples. */
  readonly count: number;
  /** Values per example (784 for Fashion-MNIST). */
  readonly features: number;
  /** Number of classes (labels lie in 0 … numClasses - 1). */
  readonly numClasses: number;
}

/** Some rows of a {@link LabelledData}, by index: a site's share without copying the examples. */
export interface RowSet {
  readonly data: LabelledData;
  /** Row indices into `data`, ascending. */
  readonly rows: Uint32Array;
}

/** Every row of `data`, in order: the whole split as a {@link RowSet}. */
export function allRows(data: LabelledData): RowSet {
  const rows = new Uint32Array(data.count);
  for (let i = 0; i < rows.length; i++) rows[i] = i;
  return { data, rows };
}
