import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Executor, Filter, FLComponent } from '@hearth/core';
import type { Shareable } from '@hearth/core';
import { Type } from 'typebox';
import type { ClientAppConfig, ServerAppConfig } from './app-config-schema.js';
import { defineComponent } from './component-definition.js';
import { ComponentRegistry } from './component-registry.js';

/** A plain component with a numeric setting; stands in for aggregators and persistors in tests. */
export class CounterComponent extends FLComponent {
  constructor(readonly start: number) {
    super();
  }
}

/** A workflow that holds the aggregator it was given. */
export class RoundsWorkflow extends FLComponent {
  constructor(
    readonly numRounds: number,
    readonly aggregator: FLComponent,
  ) {
    super();
  }
}

/** An executor that returns what it gets, marked with its name. */
export class EchoExecutor extends Executor {
  constructor(readonly label: string) {
    super();
  }

  override execute(_task: string, data: Shareable): Promise<Shareable> {
    data.headers['echoed_by'] = this.label;
    return Promise.resolve(data);
  }
}

/** A filter that appends its tag to a header, so tests can see chain order. */
export class TagFilter extends Filter {
  constructor(readonly tag: string) {
    super();
  }

  override process(data: Shareable): Shareable {
    const before = data.headers['tags'];
    data.headers['tags'] = `${typeof before === 'string' ? before : ''}${this.tag}`;
    return data;
  }
}

/** A component that refers to other components through a declared (non-`_id`) arg. */
export class PoolComponent extends FLComponent {
  constructor(readonly members: readonly FLComponent[]) {
    super();
  }
}

/** A registry with the test types: Counter, RoundsWorkflow, Echo, Tag, Pool. */
export function testRegistry(): ComponentRegistry {
  return new ComponentRegistry()
    .register(
      defineComponent({
        type: 'Counter',
        argsSchema: Type.Object({ start: Type.Integer({ default: 0 }) }, { additionalProperties: false }),
        create: (args) => new CounterComponent(args.start),
      }),
    )
    .register(
      defineComponent({
        type: 'RoundsWorkflow',
        argsSchema: Type.Object({ num_rounds: Type.Integer({ minimum: 1 }), aggregator_id: Type.String() }),
        create: (args, refs) => new RoundsWorkflow(args.num_rounds, refs.get(args.aggregator_id)),
      }),
    )
    .register(
      defineComponent({
        type: 'Echo',
        argsSchema: Type.Object({ label: Type.String({ default: 'echo' }) }),
        create: (args) => new EchoExecutor(args.label),
      }),
    )
    .register(
      defineComponent({
        type: 'Tag',
        argsSchema: Type.Object({ tag: Type.String() }),
        create: (args) => new TagFilter(args.tag),
      }),
    )
    .register(
      defineComponent({
        type: 'Pool',
        argsSchema: Type.Object({ members: Type.Array(Type.String()) }),
        references: ['members'],
        create: (args, refs) => new PoolComponent(args.members.map((id) => refs.get(id))),
      }),
    );
}

/** A valid server config using the test types. */
export function serverConfig(): ServerAppConfig {
  return {
    format_version: 2,
    components: [{ id: 'aggregator', type: 'Counter', args: { start: 1 } }],
    workflows: [{ id: 'sag', type: 'RoundsWorkflow', args: { num_rounds: 3, aggregator_id: 'aggregator' } }],
    task_data_filters: [{ tasks: ['*'], filters: [{ type: 'Tag', args: { tag: 'a' } }] }],
    task_result_filters: [],
  };
}

/** A valid client config using the test types. */
export function clientConfig(): ClientAppConfig {
  return {
    format_version: 2,
    executors: [
      { tasks: ['train'], executor: { id: 'trainer', type: 'Echo', args: { label: 'train' } } },
      { tasks: ['validate', 'submit_model'], executor: { type: 'Echo' } },
    ],
    task_data_filters: [],
    task_result_filters: [{ tasks: ['train'], filters: [{ type: 'Tag', args: { tag: 'x' } }, { type: 'Tag', args: { tag: 'y' } }] }],
    components: [],
  };
}

/** The files of a valid two-app job; values that are not strings are written as JSON. */
export function validJobFiles(): Record<string, unknown> {
  return {
    'meta.json': {
      name: 'test-job',
      deploy_map: { app_server: ['server'], app_client: ['site-1', 'site-2'] },
      min_clients: 2,
      mandatory_clients: ['site-1'],
      resource_spec: { 'site-1': { num_gpus: 1, mem_per_gpu_in_GiB: 4 } },
    },
    'app_server/config/config_fed_server.json': serverConfig(),
    'app_client/config/config_fed_client.json': clientConfig(),
  };
}

/** Writes `files` under `dir`: strings as they are, anything else as JSON. */
export async function writeFiles(dir: string, files: Record<string, unknown>): Promise<void> {
  for (const [path, contents] of Object.entries(files)) {
    const target = join(dir, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, typeof contents === 'string' ? contents : JSON.stringify(contents, null, 2));
  }
}

/** Temporary folders for one test file; call `cleanup` in afterEach. */
export class TempDirs {
  readonly #dirs: string[] = [];

  async make(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-job-'));
    this.#dirs.push(dir);
    return dir;
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.#dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  }
}
