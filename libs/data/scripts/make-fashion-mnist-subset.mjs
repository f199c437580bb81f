#!/usr/bin/env node
/**
 * Rebuilds libs/data/fixtures/fashion-mnist-subset from the full dataset: the first 2,000 training and
 * 500 test images with their labels, as gzipped IDX files under the original names.
 *
 *   node libs/data/scripts/make-fashion-mnist-subset.mjs [sourceDir] [outDir]
 *
 * sourceDir defaults to Debian's dataset-fashion-mnist location. Output is deterministic (gzip level 9,
 * no timestamps), so rebuilding produces the same bytes.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

const sourceDir = process.argv[2] ?? '/usr/share/datasets/fashion-mnist';
const outDir = process.argv[3] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'fashion-mnist-subset');
const SUBSET = { train: 2000, t10k: 500 };

/** Keeps the first `count` records of an IDX file: header with the first dimension rewritten, then the data. */
function takeFirst(bytes, count) {
  const rank = bytes[3];
  const header = Buffer.from(bytes.subarray(0, 4 + 4 * rank));
  let recordBytes = 1;
  for (let i = 1; i < rank; i++) recordBytes *= header.readUInt32BE(4 + 4 * i);
  if (header.readUInt32BE(4) < count) throw new Error(`source holds fewer than ${count} records`);
  header.writeUInt32BE(count, 4);
  return Buffer.concat([header, bytes.subarray(header.length, header.length + count * recordBytes)]);
}

mkdirSync(outDir, { recursive: true });
for (const [prefix, count] of Object.entries(SUBSET)) {
  for (const kind of ['images-idx3-ubyte', 'labels-idx1-ubyte']) {
    const name = `${prefix}-${kind}.gz`;
    const subset = takeFirst(gunzipSync(readFileSync(join(sourceDir, name))), count);
    writeFileSync(join(outDir, name), gzipSync(subset, { level: 9 }));
    process.stdout.write(`${join(outDir, name)}: ${count} records\n`);
  }
}
