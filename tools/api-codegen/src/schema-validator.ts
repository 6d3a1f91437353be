/**
 * A small validator for the subset of OpenAPI 3.0 schema objects that
 * openapi.yaml uses, for the contract's tests (no validator dependency). It
 * throws on any keyword it does not know, so a constraint added to the
 * contract cannot be skipped silently: teach it the keyword instead.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type SchemaObject = { [key: string]: Json };

/** Keywords that only annotate. */
const ANNOTATIONS = new Set(['description', 'example', 'default', 'title', 'deprecated']);

const KNOWN = new Set([
  ...ANNOTATIONS,
  '$ref',
  'type',
  'format',
  'nullable',
  'enum',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'items',
  'minItems',
  'maxItems',
  'uniqueItems',
  'required',
  'properties',
  'additionalProperties',
]);

export function isObject(value: unknown): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Resolves a local reference such as `#/components/schemas/Build`. */
export function resolveRef(doc: Json, ref: string): Json {
  if (!ref.startsWith('#/')) throw new Error(`only local references are supported: ${ref}`);
  let node: Json | undefined = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    node = isObject(node) ? node[key] : undefined;
    if (node === undefined) throw new Error(`unresolved reference ${ref}`);
  }
  return node;
}

function asSchema(doc: Json, schema: Json): SchemaObject {
  if (!isObject(schema)) throw new Error(`not a schema object: ${JSON.stringify(schema)}`);
  const ref = schema['$ref'];
  return typeof ref === 'string' ? asSchema(doc, resolveRef(doc, ref)) : schema;
}

function typeOf(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Characters as JSON Schema counts them: code points, not UTF-16 units. */
function length(s: string): number {
  return [...s].length;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Validates value against schema (resolving references in doc) and returns
 * one message per problem, each starting with the JSON path of the value.
 */
export function validate(doc: Json, schemaOrRef: Json, value: Json, path = '$'): string[] {
  const schema = asSchema(doc, schemaOrRef);
  for (const keyword of Object.keys(schema)) {
    // Specification extensions (x-*) only annotate, by OpenAPI's definition.
    if (!KNOWN.has(keyword) && !keyword.startsWith('x-')) throw new Error(`schema keyword ${keyword} (at ${path}) is not supported by the test validator`);
  }
  const problems: string[] = [];
  const fail = (message: string) => problems.push(`${path} ${message}`);

  if (value === null) {
    if (schema['nullable'] !== true) fail('must not be null');
    return problems;
  }
  const type = schema['type'];
  const actual = typeOf(value);
  if (typeof type === 'string' && actual !== type && !(type === 'number' && actual === 'integer')) {
    fail(`must be of type ${type}, not ${actual}`);
    return problems;
  }
  const enumValues = schema['enum'];
  if (Array.isArray(enumValues) && !enumValues.some((v) => JSON.stringify(v) === JSON.stringify(value))) {
    fail(`must be one of ${JSON.stringify(enumValues)}`);
  }

  if (typeof value === 'string') {
    const { pattern, minLength, maxLength, format } = schema;
    if (typeof minLength === 'number' && length(value) < minLength) fail(`must be at least ${minLength} characters`);
    if (typeof maxLength === 'number' && length(value) > maxLength) fail(`must be at most ${maxLength} characters`);
    // OpenAPI patterns are ECMA-262 regular expressions, unanchored.
    if (typeof pattern === 'string' && !new RegExp(pattern, 'u').test(value)) fail(`must match ${pattern}`);
    if (format === 'date-time' && (!DATE_TIME.test(value) || Number.isNaN(Date.parse(value)))) {
      fail('must be an RFC 3339 date-time');
    }
  }

  if (typeof value === 'number') {
    const { minimum, maximum, format } = schema;
    if (typeof minimum === 'number' && value < minimum) fail(`must be at least ${minimum}`);
    if (typeof maximum === 'number' && value > maximum) fail(`must be at most ${maximum}`);
    if (format === 'int64' && !Number.isSafeInteger(value)) fail('must be a safe integer');
  }

  if (Array.isArray(value)) {
    const { items, minItems, maxItems, uniqueItems } = schema;
    if (typeof minItems === 'number' && value.length < minItems) fail(`must hold at least ${minItems} items`);
    if (typeof maxItems === 'number' && value.length > maxItems) fail(`must hold at most ${maxItems} items`);
    if (uniqueItems === true) {
      const seen = new Set<string>();
      value.forEach((item, i) => {
        const key = JSON.stringify(item);
        if (seen.has(key)) problems.push(`${path}[${i}] duplicates an earlier item`);
        seen.add(key);
      });
    }
    if (items !== undefined) value.forEach((item, i) => problems.push(...validate(doc, items, item, `${path}[${i}]`)));
  }

  if (isObject(value)) {
    const properties = isObject(schema['properties']) ? schema['properties'] : {};
    const required = Array.isArray(schema['required']) ? schema['required'] : [];
    for (const name of required) {
      if (typeof name === 'string' && !(name in value)) problems.push(`${path}.${name} is required`);
    }
    const additional = schema['additionalProperties'];
    for (const [name, item] of Object.entries(value)) {
      const propertySchema = properties[name];
      if (propertySchema !== undefined) {
        problems.push(...validate(doc, propertySchema, item, `${path}.${name}`));
      } else if (additional === false) {
        problems.push(`${path}.${name} is not allowed`);
      } else if (isObject(additional)) {
        problems.push(...validate(doc, additional, item, `${path}.${name}`));
      }
    }
  }
  return problems;
}
