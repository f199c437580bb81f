import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const docs = join(dirname(fileURLToPath(import.meta.url)), '../../../docs/benchmarks');

/** Writes `<name>.json` and `<name>.md` under docs/benchmarks and returns their paths. */
export async function writeResults(name, json, markdown) {
  await mkdir(docs, { recursive: true });
  const jsonPath = join(docs, `${name}.json`);
  const mdPath = join(docs, `${name}.md`);
  await writeFile(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
  await writeFile(mdPath, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  return { jsonPath, mdPath };
}
