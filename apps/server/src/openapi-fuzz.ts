/**
 * Test support for openapi-fuzz.test.ts: requests generated from openapi.json (every
 * operation, its path and query parameters and JSON body, valid values drawn from the schemas)
 * and mixed with hostile ones, each carrying what the contract (shared/spec, FastAPI's
 * conventions) says the answer must be.
 */
import fc from 'fast-check';

// ---------------------------------------------------------------------------------------------
// The document

export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  default?: unknown;
}

interface ParameterObject {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema: JsonSchema;
}

export interface FuzzOperation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  template: string;
  operationId: string;
  params: ParameterObject[];
  body?: JsonSchema;
  /** The media types of a body that is not JSON (a streamed import). */
  streamBody?: string[];
  authenticated: boolean;
  statuses: number[];
}

interface OpenApiDocument {
  components?: { schemas?: Record<string, JsonSchema> };
  paths: Record<
    string,
    Record<
      string,
      {
        operationId: string;
        parameters?: ParameterObject[];
        requestBody?: { content?: Record<string, { schema: JsonSchema }> };
        security?: unknown[];
        responses: Record<string, unknown>;
      }
    >
  >;
}

export function operationsOf(document: OpenApiDocument): FuzzOperation[] {
  const deref = (schema: JsonSchema): JsonSchema => {
    if (!schema.$ref) return schema;
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = document.components?.schemas?.[name];
    if (!target) throw new Error(`unresolved ${schema.$ref}`);
    return deref(target);
  };
  const resolveAll = (schema: JsonSchema): JsonSchema => {
    const s = deref(schema);
    return {
      ...s,
      ...(s.anyOf ? { anyOf: s.anyOf.map(resolveAll) } : {}),
      ...(s.oneOf ? { oneOf: s.oneOf.map(resolveAll) } : {}),
      ...(s.items ? { items: resolveAll(s.items) } : {}),
      ...(s.properties
        ? { properties: Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, resolveAll(v)])) }
        : {}),
      ...(typeof s.additionalProperties === 'object'
        ? { additionalProperties: resolveAll(s.additionalProperties) }
        : {}),
    };
  };
  const operations: FuzzOperation[] = [];
  for (const [template, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const content = op.requestBody?.content ?? {};
      const body = content['application/json']?.schema;
      const streamBody = body ? [] : Object.keys(content);
      operations.push({
        method: method.toUpperCase() as FuzzOperation['method'],
        template,
        operationId: op.operationId,
        params: (op.parameters ?? []).map((p) => ({ ...p, schema: resolveAll(p.schema) })),
        ...(body ? { body: resolveAll(body) } : {}),
        ...(streamBody.length > 0 ? { streamBody } : {}),
        authenticated: (op.security ?? []).length > 0,
        statuses: Object.keys(op.responses).map(Number),
      });
    }
  }
  return operations;
}

// ---------------------------------------------------------------------------------------------
// Valid values, from the schemas

/** Text with no control characters, surrogates or edge whitespace: valid wherever a string is. */
const TEXT_CHARS = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.,:;!?()/\'"+',
  ...'éßü漢字—',
];
export const text = (minLength: number, maxLength: number) =>
  fc
    .string({ unit: fc.constantFrom(...TEXT_CHARS), minLength, maxLength })
    .filter((s) => s.trim().length >= minLength && s.trim() === s);

/** Rules the document states only in prose, for the generator of valid values. */
export interface ProseRules {
  /** A value for a field (`query.categories`, `body.name`, …), or undefined: use the schema. */
  override(field: string, schema: JsonSchema): fc.Arbitrary<unknown> | undefined;
}

export function validValue(schema: JsonSchema, field: string, rules: ProseRules): fc.Arbitrary<unknown> {
  const special = rules.override(field, schema);
  if (special) return special;
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((alt) => validValue(alt, field, rules)));
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (Array.isArray(schema.type)) {
    return fc.oneof(...schema.type.map((type) => validValue({ ...schema, type }, field, rules)));
  }
  switch (schema.type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer': {
      const min = schema.minimum ?? -(2 ** 31);
      const max = schema.maximum ?? 2 ** 31;
      const edges = [min, max].filter((n) => Number.isSafeInteger(n));
      return fc.oneof(
        { weight: 4, arbitrary: fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31) }) },
        { weight: 1, arbitrary: fc.constantFrom(...edges) },
      );
    }
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: schema.minimum, max: schema.maximum });
    case 'string': {
      if (schema.format === 'uuid') return fc.uuid();
      const min = schema.minLength ?? 0;
      const max = Math.min(schema.maxLength ?? 40, 40);
      if (schema.pattern) {
        return fc
          .stringMatching(new RegExp(schema.pattern))
          .filter((s) => s.length >= min && s.length <= (schema.maxLength ?? Number.POSITIVE_INFINITY));
      }
      return text(min, Math.max(min, max));
    }
    case 'array':
      return fc.array(schema.items ? validValue(schema.items, `${field}[]`, rules) : fc.jsonValue(), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 3, 3),
      });
    case 'object': {
      const properties = schema.properties ?? {};
      if (Object.keys(properties).length === 0) {
        return fc.dictionary(
          text(1, 12),
          typeof schema.additionalProperties === 'object'
            ? validValue(schema.additionalProperties, `${field}{}`, rules)
            : jsonValue(3),
          { maxKeys: 4 },
        );
      }
      const record = Object.fromEntries(
        Object.entries(properties).map(([key, value]) => [key, validValue(value, `${field}.${key}`, rules)]),
      );
      return fc.record(record, { requiredKeys: schema.required ?? [] });
    }
    default:
      return jsonValue(2);
  }
}

/** JSON of bounded depth whose strings are plain text. */
export function jsonValue(depth: number): fc.Arbitrary<unknown> {
  const leaf = fc.oneof(
    text(0, 20),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
  );
  if (depth <= 0) return leaf;
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    { weight: 1, arbitrary: fc.array(jsonValue(depth - 1), { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.dictionary(text(1, 10), jsonValue(depth - 1), { maxKeys: 3 }) },
  );
}

// ---------------------------------------------------------------------------------------------
// Hostile values, each with what the answer must be

/** Why a request must be refused, and how. */
export interface Mark {
  /** Short kind, for grouping failures: `query.limit=huge`, `body.is_public=bool-string`, … */
  kind: string;
  /** The answer the contract requires when this is the request's first problem. */
  status: 415 | 413 | 422 | 'encoding';
  /** For a 422: an issue's `loc` must start with this. */
  loc?: (string | number)[];
  /** For a 422: that issue's `type`, where the contract names it. */
  type?: string;
  /** Set by a change that replaces the body's bytes: the body's other problems are gone. */
  raw?: true;
}

export const LONE_SURROGATES = ['\udc00', '\ud800', 'a\ud83d'];
/** The bytes a lone surrogate would have in UTF-8 if it were allowed (CESU-8), percent-encoded. */
export const PERCENT_SURROGATE = '%ED%B0%80';
export const HUGE_INTEGERS = ['9999999999999999999999', '9007199254740992', '18446744073709551616'];
export const NEGATIVE_HUGE = ['-9999999999999999999999', '-9007199254740992'];
export const MALFORMED_UUIDS = [
  'not-a-uuid',
  '1234',
  '00000000-0000-0000-0000-00000000000',
  '00000000-0000-0000-0000-0000000000000',
  '%7B00000000-0000-0000-0000-000000000000%7D',
  '00000000-0000-0000-0000-00000000000g',
  'x'.repeat(300),
  '%00',
  PERCENT_SURROGATE,
  '00000000-0000-0000-0000-000000000000%00',
];
export const BAD_PERCENT_ENCODINGS = ['%zz', '%E0%A4%A', '%', '%C3%28'];
export const NON_BOOLEANS: unknown[] = ['false', 'true', '0', '1', 0, 1, '', null, [], {}, 'False'];
export const NON_STRINGS: unknown[] = [
  123,
  true,
  false,
  null,
  [],
  {},
  ['a'],
  jsonNumber('9999999999999999999999'),
];
export const MALFORMED_JSON = [
  '{',
  '{"name":}',
  "{'name':'x'}",
  '{"name":"a",}',
  'nul',
  '{"a":1}}',
  '\u0000',
  '{"name":"\\ud800\\u00"}',
];

/**
 * Stand-ins for JSON that JSON.stringify cannot write, put into the text by `toJsonText`: an
 * object nested `levels` deep (`{"a":{"a":…1…}}`; JSON.stringify would overflow the stack), and
 * a number literal as written (9999999999999999999999 would become 1e+22).
 */
export function nested(levels: number): string {
  return `\u0001nested:${levels}\u0001`;
}
export function jsonNumber(digits: string): string {
  return `\u0001number:${digits}\u0001`;
}

export function toJsonText(value: unknown): string {
  return JSON.stringify(value).replace(
    /"\\u0001(nested|number):([-\d]+)\\u0001"/g,
    (_, kind: string, n: string) =>
      kind === 'number' ? n : `${'{"a":'.repeat(Number(n))}1${'}'.repeat(Number(n))}`,
  );
}
