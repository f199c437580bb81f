import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServerApp, loadJob, validateJob } from '@hearth/job';
import { createBuiltinRegistry } from './builtin-registry.js';

const examples = join(import.meta.dirname, '../../../examples');

describe('built-in registry', () => {
  it.each(['hello-linear', 'hello-linear-cyclic'])('accepts the %s example job', async (name) => {
    expect(await validateJob(join(examples, name), { registry: createBuiltinRegistry() })).toEqual([]);
  });

  it('builds the hello-linear server app with its workflow, aggregator and persistor', async () => {
    const registry = createBuiltinRegistry();
    const job = await loadJob(join(examples, 'hello-linear'), { registry });
    const server = job.apps.get('app')?.server;
    if (server === undefined) throw new Error('hello-linear has no server config');
    const app = await buildServerApp(server, { registry, jobDir: job.dir });
    expect([...app.components.keys()]).toEqual(['persistor', 'aggregator', 'scatter_and_gather']);
    expect(app.workflows).toHaveLength(1);
  });

  it('reports args that break a type schema with their JSON path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-job-'));
    try {
      await cp(join(examples, 'hello-linear'), dir, { recursive: true, filter: (src) => !src.includes('node_modules') });
      const file = join(dir, 'app/config/config_fed_server.json');
      const config = JSON.parse(await readFile(file, 'utf8')) as { workflows: { args: Record<string, unknown> }[] };
      const workflow = config.workflows[0];
      if (workflow === undefined) throw new Error('no workflow');
      workflow.args['num_rounds'] = 'ten';
      await writeFile(file, JSON.stringify(config));
      const problems = await validateJob(dir, { registry: createBuiltinRegistry() });
      expect(problems).toEqual([
        expect.objectContaining({ file: 'app/config/config_fed_server.json', path: '$.workflows[0].args.num_rounds' }),
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('registers every built-in type', () => {
    expect(createBuiltinRegistry().types()).toEqual(['CyclicController', 'ExcludeVars', 'SafetensorsPersistor', 'ScatterAndGather', 'WeightedAggregator']);
  });
});
