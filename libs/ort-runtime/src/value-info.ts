/**
 * What a session says about one of its inputs or outputs. `shape` holds a number for a fixed dimension
 * and a name (possibly empty) for a free one; non-tensor values (sequences, maps) have no type or shape.
 */
export interface OrtValueInfo {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type?: string;
  readonly shape?: readonly (number | string)[];
}
