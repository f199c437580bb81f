/**
 * A spec as callers may write it: the keys in `Kept` stay as the schema types them, every other key may be
 * left out, and the schema's default (or absence) applies. Distributes over unions, so each variant of a
 * tagged union keeps its own tag.
 */
export type SpecInput<T, Kept extends PropertyKey> = T extends unknown ? Pick<T, Extract<keyof T, Kept>> & Partial<Omit<T, Kept>> : never;
