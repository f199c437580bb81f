import { DataErrorCode, dataError } from './errors.js';

/**
 * One statistic per feature: a number broadcast to every feature, or an array with one value per
 * feature (checked against the feature count; `name` says which option was wrong).
 */
export function featureVector(value: number | ArrayLike<number>, options: { features: number; name: string }): Float64Array {
  const { features, name } = options;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw dataError(DataErrorCode.INVALID_ARGUMENT, `${name} must be finite, got ${value}`, { context: { option: name } });
    }
    return new Float64Array(features).fill(value);
  }
  if (value.length !== features) {
    throw dataError(DataErrorCode.INVALID_ARGUMENT, `${name} has ${value.length} values for ${features} features`, {
      context: { option: name, length: value.length, features },
    });
  }
  const out = Float64Array.from(value);
  if (out.some((v) => !Number.isFinite(v))) {
    throw dataError(DataErrorCode.INVALID_ARGUMENT, `${name} holds a value that is not finite`, { context: { option: name } });
  }
  return out;
}
