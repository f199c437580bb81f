import { join } from 'node:path';
import { isHearthError } from '@hearth/core';
import { buildServerApp } from './build-app.js';
import { ComponentRegistry } from './component-registry.js';
import { isCustomType, loadCustomComponent, parseCustomType } from './custom-component.js';
import { JobErrorCode } from './errors.js';
import { serverConfig, TempDirs, testRegistry, validJobFiles, writeFiles } from './spec-fixtures.js';
import { validateJob } from './validate-job.js';

const dirs = new TempDirs();
afterEach(() => dirs.cleanup());

const CUSTOM_MODULE = `
export class ScaledCounter {
  static argsSchema = {
    type: 'object',
    properties: { factor: { type: 'number', minimum: 0 }, base_id: { type: 'string' } },
    required: ['factor'],
  };
  constructor(args, refs) {
    this.id = '';
    this.factor = args.factor;
    this.base = args.base_id === undefined ? undefined : refs.get(args.base_id);
  }
  handleEvent() {}
}
export class NotAComponent {
  constructor() { this.value = 1; }
}
export function plainFunction() { return 1; }
export const answer = 42;
`;

async function jobWithCustomCode(components: unknown[]): Promise<string> {
  const dir = await dirs.make();
  const config = { ...serverConfig(), components: [{ id: 'aggregator', type: 'Counter' }, ...components] };
  await writeFiles(dir, {
    ...validJobFiles(),
    'app_server/config/config_fed_server.json': config,
    'app_server/custom/scaled.js': CUSTOM_MODULE,
  });
  return dir;
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
}

describe('custom component types', () => {
  it('parses module#Export and rejects malformed names', () => {
    expect(isCustomType('./custom/x.js#X')).toBe(true);
    expect(isCustomType('ScatterAndGather')).toBe(false);
    expect(parseCustomType('@scope/pkg#a#Thing')).toEqual({ specifier: '@scope/pkg#a', exportName: 'Thing' });
    for (const bad of ['#Thing', './x.js#', './x.js#not-an-identifier']) {
      expect(() => parseCustomType(bad)).toThrow(expect.objectContaining({ code: JobErrorCode.CUSTOM_CODE_INVALID }));
    }
  });

  it('loads a class from a path relative to the job folder and honours its static argsSchema', async () => {
    const entry = { id: 'scaled', type: './app_server/custom/scaled.js#ScaledCounter', args: { factor: 2, base_id: 'aggregator' } };
    const dir = await jobWithCustomCode([entry]);
    expect(await validateJob(dir, { registry: testRegistry() })).toEqual([]);
    const components = [
      { id: 'aggregator', type: 'Counter' },
      { id: 'scaled', type: './app_server/custom/scaled.js#ScaledCounter', args: { factor: 2, base_id: 'aggregator' } },
    ];
    const app = await buildServerApp({ ...serverConfig(), components }, { registry: testRegistry(), jobDir: dir });
    const scaled = app.components.get('scaled') as unknown as { id: string; factor: number; base: unknown };
    expect(scaled).toMatchObject({ id: 'scaled', factor: 2 });
    expect(scaled.base).toBe(app.components.get('aggregator'));
  });

  it('reports custom args that fail the static schema', async () => {
    const dir = await jobWithCustomCode([{ id: 'scaled', type: './app_server/custom/scaled.js#ScaledCounter', args: { factor: -1 } }]);
    expect(await validateJob(dir, { registry: testRegistry() })).toEqual([
      { file: 'app_server/config/config_fed_server.json', path: '$.components[1].args.factor', message: 'must be >= 0' },
    ]);
  });

  it.each([
    ['./app_server/custom/scaled.js#Missing', 'has no export named Missing'],
    ['./app_server/custom/scaled.js#plainFunction', 'export plainFunction of ./app_server/custom/scaled.js is not a class'],
    ['./app_server/custom/scaled.js#answer', 'is not a class'],
    ['./app_server/custom/nothing.js#Thing', 'cannot be loaded'],
    ['../outside.js#Thing', 'must stay inside the job folder'],
    ['/etc/passwd.js#Thing', 'must name a module relative to the job folder'],
    ['file:///tmp/x.js#Thing', 'must name a module relative to the job folder'],
    ['@hearth/core#NoSuchExport', 'has no export named NoSuchExport'],
    ['@hearth/core#DataKind', 'is not a class'],
    ['@hearth/no-such-package#Thing', 'cannot be loaded'],
  ])('reports %s', async (type, message) => {
    const dir = await jobWithCustomCode([{ id: 'custom', type }]);
    const problems = await validateJob(dir, { registry: testRegistry() });
    expect(problems).toEqual([
      { file: 'app_server/config/config_fed_server.json', path: '$.components[1].type', message: expect.stringContaining(message) },
    ]);
  });

  it('checks custom types without running them when told not to load custom code', async () => {
    const dir = await jobWithCustomCode([
      { id: 'bomb', type: './app_server/custom/bomb.js#Bomb', args: { target_id: 'aggregator' } },
      { id: 'pkg', type: '@someone/else#Thing' },
    ]);
    await writeFiles(dir, { 'app_server/custom/bomb.js': "throw new Error('custom code ran');\n" });
    expect(await validateJob(dir, { registry: testRegistry(), loadCustomCode: false })).toEqual([]);
    expect(await validateJob(dir, { registry: testRegistry() })).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '$.components[1].type', message: expect.stringContaining('cannot be loaded: custom code ran') }),
      ]),
    );
    const missing = await jobWithCustomCode([{ id: 'gone', type: './app_server/custom/gone.js#Gone', args: { target_id: 'nobody' } }]);
    expect(await validateJob(missing, { registry: testRegistry(), loadCustomCode: false })).toEqual([
      expect.objectContaining({ path: '$.components[1].type', message: expect.stringContaining('does not exist in the job folder') }),
      expect.objectContaining({ path: '$.components[1].args.target_id', message: expect.stringContaining('"nobody"') }),
    ]);
  });

  it('accepts a class exported by a workspace package', async () => {
    const dir = await dirs.make();
    const definition = await loadCustomComponent({ type: '@hearth/core#Dxo', jobDir: dir });
    expect(definition.type).toBe('@hearth/core#Dxo');
  });

  it('builds nothing that is not an FLComponent', async () => {
    const dir = await jobWithCustomCode([]);
    const components = [{ id: 'aggregator', type: './app_server/custom/scaled.js#NotAComponent' }];
    const error = await errorOf(buildServerApp({ ...serverConfig(), components }, { registry: testRegistry(), jobDir: dir }));
    expect(isHearthError(error, JobErrorCode.COMPONENT_KIND_MISMATCH)).toBe(true);
    expect((error as Error).message).toBe(
      '$.components[0] (type ./app_server/custom/scaled.js#NotAComponent) did not build an FLComponent',
    );
  });

  it('wraps a constructor that throws with the config path', async () => {
    const dir = await dirs.make();
    const components = [{ id: 'aggregator', type: '@hearth/core#Dxo', args: { kind: 'NOPE' } }];
    const error = await errorOf(buildServerApp({ ...serverConfig(), components }, { registry: testRegistry(), jobDir: dir }));
    expect(isHearthError(error, JobErrorCode.COMPONENT_BUILD_FAILED)).toBe(true);
    expect((error as Error).message).toBe('cannot build $.components[0] (type @hearth/core#Dxo): unknown DXO kind "NOPE"');
    expect(isHearthError((error as Error).cause, 'HEARTH_ERR_INVALID_DXO')).toBe(true);
  });

  it('refuses custom code when the caller forbids it', async () => {
    const dir = await dirs.make();
    const registry = new ComponentRegistry();
    const error = await errorOf(registry.resolve('./x.js#X', { jobDir: join(dir, 'job'), allowCustomCode: false }));
    expect(isHearthError(error, JobErrorCode.CUSTOM_CODE_NOT_ALLOWED)).toBe(true);
  });
});
