import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import type {
  Build,
  BuildPage,
  ErrorBody,
  ImageList,
  ImageSummary,
  NewBuild,
  NewRelease,
  Outcome,
  paths,
  Release,
  ReleaseList,
} from '@slipway/api-contract';
import type { Json, SchemaObject } from './schema-validator';
import { isObject, resolveRef, validate } from './schema-validator';

const workspaceRoot = path.resolve(import.meta.dirname, '../../..');
const libRoot = path.join(workspaceRoot, 'libs/api-contract');
const FIX = 'run: npx nx run api-contract:generate';

/** The generated files, relative to the workspace root (as in generate.mjs). */
const GENERATED = ['libs/api-contract/src/generated/schema.ts', 'go/apps/api/internal/apitypes/apitypes.gen.go'];

const doc = parse(readFileSync(path.join(libRoot, 'openapi.yaml'), 'utf8')) as Json;

function at(ref: string): SchemaObject {
  const node = resolveRef(doc, ref);
  if (!isObject(node)) throw new Error(`${ref} is not an object`);
  return node;
}

const schemas = at('#/components/schemas');
const schemaRef = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });

/** The first line where two texts differ, for a readable failure. */
function firstDifference(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      return `line ${i + 1}:\n  generated: ${JSON.stringify(a[i] ?? '<end of file>')}\n  committed: ${JSON.stringify(b[i] ?? '<end of file>')}`;
    }
  }
  return 'no line differs (line endings?)';
}

describe('generated code', () => {
  let outDir = '';

  beforeAll(() => {
    outDir = mkdtempSync(path.join(tmpdir(), 'api-contract-'));
    const result = spawnSync(process.execPath, [path.join(import.meta.dirname, 'generate.mjs'), '--out-dir', outDir], {
      cwd: workspaceRoot,
      encoding: 'utf8',
    });
    if (result.status !== 0) {
      throw new Error(
        `regenerating from openapi.yaml failed (exit ${result.status ?? result.signal}); generate.mjs needs Node and Go:\n` +
          `${result.error?.message ?? ''}${result.stdout}${result.stderr}`,
      );
    }
  });

  afterAll(() => {
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it.each(GENERATED)('%s is byte-for-byte what openapi.yaml generates', (file) => {
    const generated = readFileSync(path.join(outDir, file), 'utf8');
    const committedPath = path.join(workspaceRoot, file);
    if (!existsSync(committedPath)) throw new Error(`${file} is missing; ${FIX}`);
    const committed = readFileSync(committedPath, 'utf8');
    if (generated !== committed) {
      throw new Error(
        `${file} does not match libs/api-contract/openapi.yaml: it is stale or was edited by hand.\n` +
          `${firstDifference(generated, committed)}\n${FIX}`,
      );
    }
  });
});

describe('openapi.yaml', () => {
  const operations = Object.entries(at('#/paths')).flatMap(([route, item]) =>
    Object.entries(isObject(item) ? item : {}).map(([method, op]) => ({ route, method, op: op as SchemaObject })),
  );

  it('is OpenAPI 3.0.3 (the version oapi-codegen supports best)', () => {
    expect(isObject(doc) && doc['openapi']).toBe('3.0.3');
  });

  it('gives every operation a unique operationId, a declared tag and a summary', () => {
    const declaredTags = (isObject(doc) && Array.isArray(doc['tags']) ? doc['tags'] : []).map((t) => isObject(t) && t['name']);
    const ids = operations.map(({ op }) => op['operationId']);
    expect(new Set(ids).size, 'operationIds are unique').toBe(ids.length);
    expect(ids).toEqual([
      'getHealth', 'getReadiness', 'createBuild', 'createRelease', 'listReleases', 'listImages', 'listImageBuilds', 'listImageSizes', 'listRuns', 'getRun',
    ]);
    for (const { route, method, op } of operations) {
      expect(op['summary'], `${method} ${route}`).toEqual(expect.any(String));
      expect(op['tags'], `${method} ${route}`).toEqual([expect.any(String)]);
      expect(declaredTags, `${method} ${route}`).toContain((op['tags'] as string[])[0]);
    }
  });

  it('answers every error with ErrorBody', () => {
    for (const { route, method, op } of operations) {
      for (const [status, response] of Object.entries(op['responses'] as SchemaObject)) {
        if (Number(status) < 400) continue;
        const resolved = isObject(response) && typeof response['$ref'] === 'string' ? at(response['$ref']) : response;
        const schema = (resolved as { content: { 'application/json': { schema: Json } } }).content['application/json'].schema;
        expect(schema, `${method} ${route} ${status}`).toEqual(schemaRef('ErrorBody'));
      }
    }
  });

  it('protects only the writes, POST /api/v1/builds and /api/v1/releases, with the bearer token', () => {
    expect(at('#/components/securitySchemes/bearerAuth')).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const { route, method, op } of operations) {
      const secured = (route === '/api/v1/builds' || route === '/api/v1/releases') && method === 'post';
      expect(op['security'], `${method} ${route}`).toEqual(secured ? [{ bearerAuth: [] }] : undefined);
    }
  });

  it('makes Build exactly NewBuild plus id and recordedAt, in the same order', () => {
    const newBuild = schemas['NewBuild'] as SchemaObject;
    const build = schemas['Build'] as SchemaObject;
    expect(newBuild['additionalProperties']).toBe(false);
    const newProps = newBuild['properties'] as SchemaObject;
    const buildProps = build['properties'] as SchemaObject;
    expect(Object.keys(buildProps)).toEqual(['id', ...Object.keys(newProps), 'recordedAt']);
    for (const [name, schema] of Object.entries(newProps)) expect(buildProps[name], name).toEqual(schema);
    expect(build['required']).toEqual(['id', ...(newBuild['required'] as string[]), 'recordedAt']);
    // x-order fixes the Go field order, hence the JSON key order of responses.
    const order = (props: SchemaObject) => Object.values(props).map((p) => (p as SchemaObject)['x-order']);
    expect(order(buildProps)).toEqual(Object.keys(buildProps).map((_, i) => i + 1));
    expect(order(newProps)).toEqual(Object.keys(newProps).map((_, i) => i + 2));
  });

  it('makes Release exactly NewRelease plus id and recordedAt, in the same order', () => {
    const newRelease = schemas['NewRelease'] as SchemaObject;
    const release = schemas['Release'] as SchemaObject;
    expect(newRelease['additionalProperties']).toBe(false);
    const newProps = newRelease['properties'] as SchemaObject;
    const props = release['properties'] as SchemaObject;
    expect(Object.keys(props)).toEqual(['id', ...Object.keys(newProps), 'recordedAt']);
    for (const [name, schema] of Object.entries(newProps)) expect(props[name], name).toEqual(schema);
    expect(release['required']).toEqual(['id', ...(newRelease['required'] as string[]), 'recordedAt']);
  });

  it('has examples that satisfy their schemas', () => {
    let checked = 0;
    const check = (where: string, schema: Json, example: Json) => {
      expect(validate(doc, schema, example), where).toEqual([]);
      checked++;
    };
    // Schema examples, including those of properties.
    const walkSchema = (where: string, schema: Json) => {
      if (!isObject(schema) || typeof schema['$ref'] === 'string') return;
      if (schema['example'] !== undefined) check(where, schema, schema['example']);
      if (isObject(schema['properties'])) {
        for (const [name, property] of Object.entries(schema['properties'])) walkSchema(`${where}.${name}`, property);
      }
      if (schema['items'] !== undefined) walkSchema(`${where}[]`, schema['items']);
    };
    for (const [name, schema] of Object.entries(schemas)) walkSchema(name, schema);
    // Media type and parameter examples.
    const walkMedia = (where: string, response: Json) => {
      const resolved = isObject(response) && typeof response['$ref'] === 'string' ? at(response['$ref']) : response;
      const content = isObject(resolved) && isObject(resolved['content']) ? resolved['content'] : {};
      for (const [type, media] of Object.entries(content)) {
        if (!isObject(media) || media['schema'] === undefined) continue;
        if (media['example'] !== undefined) check(`${where} ${type}`, media['schema'], media['example']);
        for (const [name, example] of Object.entries(isObject(media['examples']) ? media['examples'] : {})) {
          check(`${where} ${type} ${name}`, media['schema'], (example as SchemaObject)['value'] ?? null);
        }
      }
    };
    for (const { route, method, op } of operations) {
      walkMedia(`${method} ${route} request`, op['requestBody'] ?? null);
      for (const [status, response] of Object.entries(op['responses'] as SchemaObject)) {
        walkMedia(`${method} ${route} ${status}`, response);
      }
      for (const parameter of (op['parameters'] ?? []) as SchemaObject[]) {
        if (parameter['example'] !== undefined) check(`${method} ${route} ${String(parameter['name'])}`, parameter['schema'] ?? null, parameter['example']);
      }
    }
    expect(checked).toBeGreaterThan(30);
  });
});

/** libs/api-contract/testdata/new-build-cases.json, shared with the Go API's tests. */
interface ValidationCases {
  base: { [key: string]: Json };
  cases: {
    field: string;
    value?: Json;
    omit?: boolean;
    prefix?: string;
    repeat?: [string, number];
    tagCount?: number;
    valid: boolean;
    note?: string;
  }[];
}

describe('NewBuild rules (the cases the Go validator is tested with too)', () => {
  const { base, cases } = JSON.parse(
    readFileSync(path.join(libRoot, 'testdata/new-build-cases.json'), 'utf8'),
  ) as ValidationCases;

  it('accepts the base build', () => {
    expect(validate(doc, schemaRef('NewBuild'), base)).toEqual([]);
  });

  it.each(cases.map((c, i) => ({ ...c, name: `${i} ${c.field}${c.note ? ` (${c.note})` : ''}` })))(
    '$name',
    ({ field, value, omit, prefix, repeat, tagCount, valid }) => {
      const build = { ...base };
      if (omit) {
        delete build[field];
      } else if (repeat) {
        build[field] = (prefix ?? '') + repeat[0].repeat(repeat[1]);
      } else if (tagCount) {
        build[field] = Array.from({ length: tagCount }, (_, j) => `t${j}`);
      } else {
        build[field] = value ?? null;
      }
      const problems = validate(doc, schemaRef('NewBuild'), build);
      if (valid) {
        expect(problems, JSON.stringify(build[field])).toEqual([]);
      } else {
        expect(problems, JSON.stringify(build[field])).not.toEqual([]);
        for (const problem of problems) expect(problem.startsWith(`$.${field}`), problem).toBe(true);
      }
    },
  );
});

describe('the exported types', () => {
  it('name the schemas', () => {
    expectTypeOf<Outcome>().toEqualTypeOf<'built' | 'reused'>();
    expectTypeOf<Build['outcome']>().toEqualTypeOf<Outcome>();
    expectTypeOf<Build['ciRunId']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Omit<Build, 'id' | 'recordedAt'>>().toEqualTypeOf<NewBuild>();
    expectTypeOf<Omit<Release, 'id' | 'recordedAt'>>().toEqualTypeOf<NewRelease>();
    expectTypeOf<ReleaseList['releases']>().toEqualTypeOf<Release[]>();
    expectTypeOf<ImageSummary['latest']>().toEqualTypeOf<Build>();
    expectTypeOf<ImageList['images']>().toEqualTypeOf<ImageSummary[]>();
    expectTypeOf<BuildPage['nextCursor']>().toEqualTypeOf<string | null>();
    expectTypeOf<ErrorBody['error']['fields']>().toEqualTypeOf<{ [key: string]: string } | undefined>();
    expectTypeOf<
      paths['/api/v1/images/{image}/builds']['get']['responses'][200]['content']['application/json']
    >().toEqualTypeOf<BuildPage>();
  });
});
