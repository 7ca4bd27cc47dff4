/**
 * A property-based fuzz of every operation of openapi.json, over SQLite and PostgreSQL: requests
 * generated from the document (valid path and query parameters and JSON bodies), mixed with
 * hostile ones (wrong types, non-booleans, huge and negative integers, U+0000 and lone
 * surrogates, unknown fields, 5,000-deep metadata, duplicated parameters, malformed UUIDs and
 * percent-encodings, oversized strings and bodies, wrong and missing content types, malformed
 * JSON) and every kind of credential, good and bad. Each answer must be what the contract says:
 * never a 5xx, every 4xx in FastAPI's shape and the status the order of checks gives
 * (401 → 415/413 → 422 → 403 → 404), a 422 pointing at the problem, and every response
 * matching openapi.json.
 *
 * Bounded: a fixed seed, then one random seed per run (printed on failure). Replay a run with
 * `FUZZ_SEED=<seed> npx vitest run src/openapi-fuzz.test.ts` (in apps/server); FUZZ_RUNS sets
 * the number of requests per seed and engine.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { issueToken } from '@znyx/api';
import { TEST_ENGINES } from '@znyx/db/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { COMMITTED_OPENAPI, committedContract } from './openapi-contract';
import {
  BAD_PERCENT_ENCODINGS,
  type FuzzOperation,
  HUGE_INTEGERS,
  type JsonSchema,
  LONE_SURROGATES,
  MALFORMED_JSON,
  MALFORMED_UUIDS,
  type Mark,
  NEGATIVE_HUGE,
  NON_BOOLEANS,
  NON_STRINGS,
  nested,
  operationsOf,
  PERCENT_SURROGATE,
  type ProseRules,
  text,
  toJsonText,
  validValue,
} from './openapi-fuzz';
import { bearer, createOrgWithTokens, startTestServer } from './test-support';

const FIXED_SEED = 20_261_202;
const RANDOM_SEED = process.env.FUZZ_SEED
  ? Number(process.env.FUZZ_SEED)
  : Math.floor(Math.random() * 2 ** 31);
const RUNS = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : 750;
const OVERSIZED_BODY = 17 * 1024 * 1024;

type Tokens = Awaited<ReturnType<typeof createOrgWithTokens>>;
type Kind = 'runtime' | 'ci' | 'admin';
type Credential =
  | { valid: true; org: string; kind: Kind; headers: Record<string, string> }
  | { valid: false; label: string; headers: Record<string, string | string[]> };

interface World {
  acme: Tokens;
  globex: Tokens;
  /** Each org's datasets (a DELETE the server answered takes one out). */
  datasets: Map<string, string[]>;
  /** The ids of customer datasets: the only ones whose content may change. */
  customer: Set<string>;
  catalogIds: string[];
  /**
   * Token ids the fuzzer may revoke, per org: tokens minted for it alone (revoking the tokens it
   * calls with would turn the rest of the run into 401s). Revoking one again is a 200 too.
   */
  revocable: Map<string, string[]>;
}

/** A request before it is sent. */
interface Draft {
  op: FuzzOperation;
  method: string;
  path: Record<string, string>;
  query: [string, string][];
  body?: unknown;
  rawBody?: Buffer;
  contentType: string | null;
  credential: Credential;
  marks: Mark[];
  /** Valid variations worth naming in a failure's signature (`content-type: APPLICATION/JSON`). */
  notes: string[];
}

interface Sent {
  method: string;
  target: string;
  headers: Record<string, string | string[]>;
  body?: Buffer;
}

// ---------------------------------------------------------------------------------------------
// Generation

const enc = encodeURIComponent;

function rulesFor(world: World): ProseRules {
  const orgs = [world.acme.org.id, world.globex.org.id];
  return {
    override(field) {
      switch (field) {
        case 'path.org_id':
          return fc.oneof(
            { weight: 8, arbitrary: fc.constant(world.acme.org.id) },
            { weight: 1, arbitrary: fc.constant(world.acme.org.id.toUpperCase()) },
            { weight: 1, arbitrary: fc.constantFrom(...orgs) },
            { weight: 1, arbitrary: fc.uuid() },
          );
        case 'path.token_id': {
          const own = world.revocable.get(world.acme.org.id) ?? [];
          const other = world.revocable.get(world.globex.org.id) ?? [];
          return fc.oneof(
            { weight: 4, arbitrary: fc.constantFrom(...own) },
            { weight: 1, arbitrary: fc.constantFrom(...own).map((id) => id.toUpperCase()) },
            { weight: 1, arbitrary: fc.constantFrom(...other) },
            { weight: 1, arbitrary: fc.uuid() },
          );
        }
        case 'path.dataset_id': {
          const own = world.datasets.get(world.acme.org.id) ?? [];
          const other = world.datasets.get(world.globex.org.id) ?? [];
          return fc.oneof(
            { weight: 6, arbitrary: fc.constantFrom(...own) },
            { weight: 1, arbitrary: fc.constantFrom(...own).map((id) => id.toUpperCase()) },
            { weight: 1, arbitrary: fc.constantFrom(...other) },
            { weight: 1, arbitrary: fc.uuid() },
          );
        }
        // Prose: items are category slugs, trimmed, lower-cased, empties dropped, at most 20.
        case 'query.categories': {
          const slug = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,15}$/);
          return fc.oneof(
            fc
              .array(fc.tuple(slug, fc.constantFrom('', ' ', '  ')), { maxLength: 5 })
              .map((items) => items.map(([s, pad]) => `${pad}${s}${pad}`).join(',')),
            fc.array(slug, { minLength: 2, maxLength: 4 }),
          );
        }
        // Prose: unique in the org (a clash is a 409), trimmed.
        case 'body.name':
          return text(1, 60);
        case 'body.catalog_id':
          return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...world.catalogIds) }, text(1, 40));
        // Prose: a cursor is valid only as a page's next_cursor, under the same filters; the
        // generator leaves it out, and the mutations below send invalid ones.
        case 'query.cursor':
          return fc.constant(undefined);
        default:
          return undefined;
      }
    },
  };
}

/** A credential: a token of each kind of the path's org, another org's, and bad ones of every sort. */
function credentials(world: World): fc.Arbitrary<Credential> {
  const valid = (org: Tokens, kind: Kind, headers: Record<string, string>): Credential => ({
    valid: true,
    org: org.org.id,
    kind,
    headers,
  });
  const { acme, globex } = world;
  const bad = (label: string, headers: Record<string, string | string[]>): Credential => ({
    valid: false,
    label,
    headers,
  });
  return fc.oneof(
    {
      weight: 12,
      arbitrary: fc.constantFrom(
        valid(acme, 'runtime', bearer(acme.runtime)),
        valid(acme, 'ci', bearer(acme.ci)),
        valid(acme, 'admin', bearer(acme.admin)),
        valid(acme, 'ci', { 'X-API-Key': acme.ci }),
        valid(acme, 'admin', { Authorization: `bearer  ${acme.admin} ` }),
        valid(globex, 'admin', bearer(globex.admin)),
      ),
    },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        bad('none', {}),
        bad('unknown', bearer('nope')),
        bad('unknown-well-formed', bearer(`znyx_rt_${'A'.repeat(43)}`)),
        bad('other-scheme', { Authorization: 'Basic dXNlcjpwYXNz' }),
        bad('bare-token', { Authorization: acme.admin }),
        bad('empty-bearer', { Authorization: 'Bearer ' }),
        bad('blank-api-key', { 'X-API-Key': ' ' }),
        bad('bad-authorization-wins', { Authorization: 'Bearer nope', 'X-API-Key': acme.admin }),
        bad('api-key-twice', { 'X-API-Key': [acme.admin, acme.admin] }),
      ),
    },
  );
}

type Mutation = (draft: Draft) => void;

/** Adds a problem; it replaces the problems an earlier change put at or under the same place. */
const mark = (draft: Draft, m: Mark) => {
  forget(draft, (loc) => m.loc !== undefined && loc.length >= m.loc.length && startsWith(loc, m.loc));
  draft.marks.push(m);
};
const forget = (draft: Draft, where: (loc: (string | number)[]) => boolean) => {
  draft.marks = draft.marks.filter((old) => !(old.loc && where(old.loc)));
};
const sameLoc = (a: (string | number)[], b: (string | number)[]) => a.length === b.length && startsWith(a, b);

/** The hostile changes that apply to an operation, each with what it must be answered with. */
function mutations(op: FuzzOperation): fc.Arbitrary<Mutation>[] {
  const found: fc.Arbitrary<Mutation>[] = [];
  for (const param of op.params.filter((p) => p.in === 'path')) {
    found.push(
      fc.constantFrom(...MALFORMED_UUIDS).map((raw) => (d: Draft) => {
        d.path[param.name] = raw;
        mark(d, { kind: `path.${param.name}=malformed`, status: 422, loc: ['path', param.name] });
      }),
      fc.constantFrom(...BAD_PERCENT_ENCODINGS).map((raw) => (d: Draft) => {
        d.path[param.name] = raw;
        mark(d, {
          kind: `path.${param.name}=bad-percent-encoding`,
          status: 'encoding',
          loc: ['path', param.name],
        });
      }),
    );
  }
  for (const param of op.params.filter((p) => p.in === 'query')) {
    found.push(...queryMutations(param.name, param.schema));
  }
  if (op.body) found.push(...bodyMutations(op.body));
  if (op.streamBody) found.push(...streamMutations());
  return found;
}

/** An import's body: NDJSON or CSV lines, and what a bad line or media type must get. */
function streamMutations(): fc.Arbitrary<Mutation>[] {
  return [
    fc
      .constantFrom('{"input":', '{"input":1}', '[]', '{"input":"x","extra":1}', '{"input":"a\\u0000"}')
      .map((line) => (d: Draft) => {
        // The lines before it are kept only where they are NDJSON: a CSV body's header line
        // would itself be the first bad line.
        const earlier = d.contentType === 'application/x-ndjson' ? d.rawBody?.toString('utf8') : undefined;
        const lines = (earlier ?? '').split('\n').filter(Boolean);
        const at = lines.length + 1;
        d.contentType = 'application/x-ndjson';
        d.rawBody = Buffer.from(`${[...lines, line].join('\n')}\n`);
        forget(d, (loc) => loc[0] === 'body');
        d.marks = d.marks.filter((m) => !m.kind.startsWith('content-type='));
        mark(d, { kind: 'body=bad-line', status: 422, loc: ['body', at], raw: true });
      }),
    fc.constant((d: Draft) => {
      d.contentType = 'application/x-ndjson';
      d.rawBody = Buffer.concat([Buffer.from('{"input":"caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]);
      forget(d, (loc) => loc[0] === 'body');
      d.marks = d.marks.filter((m) => !m.kind.startsWith('content-type='));
      mark(d, { kind: 'body=invalid-utf-8', status: 422, loc: ['body', 1], type: 'utf8_invalid', raw: true });
    }),
    fc.constantFrom(null, 'application/json', 'text/plain', 'text/csvx').map((type) => (d: Draft) => {
      d.contentType = type;
      d.marks = d.marks.filter((m) => !m.kind.startsWith('content-type='));
      mark(d, { kind: `content-type=${type === null ? 'missing' : 'wrong'}`, status: 415 });
    }),
    fc.constantFrom('text/csv', 'TEXT/CSV; charset=utf-8').map((type) => (d: Draft) => {
      d.contentType = type;
      d.rawBody = Buffer.from('input,expected_output\n"a, b",c\nplain,\n');
      d.marks = d.marks.filter((m) => !m.kind.startsWith('content-type=') && m.loc?.[0] !== 'body');
      d.notes.push(`content-type: ${type}`);
    }),
  ];
}

function setQuery(d: Draft, name: string, raw: string) {
  d.query = d.query.filter(([key]) => key !== name);
  d.query.push([name, raw]);
}

function queryMutations(name: string, schema: JsonSchema): fc.Arbitrary<Mutation>[] {
  const loc = ['query', name];
  const alternatives = schema.anyOf ?? [schema];
  const scalar = alternatives.every((s) => s.type !== 'array');
  const found: fc.Arbitrary<Mutation>[] = [];
  if (schema.type === 'integer') {
    const min = schema.minimum ?? Number.MIN_SAFE_INTEGER;
    const over = [...HUGE_INTEGERS, ...(schema.maximum !== undefined ? [String(schema.maximum + 1)] : [])];
    const under = [...NEGATIVE_HUGE, String(min - 1)];
    found.push(
      fc.constantFrom(...over).map((v) => (d: Draft) => {
        setQuery(d, name, v);
        mark(d, { kind: `query.${name}=too-big`, status: 422, loc, type: 'less_than_equal' });
      }),
      fc.constantFrom(...under).map((v) => (d: Draft) => {
        setQuery(d, name, v);
        mark(d, { kind: `query.${name}=too-small`, status: 422, loc, type: 'greater_than_equal' });
      }),
      fc.constantFrom('abc', '1.5', '1e2', ' 1', '', '0x10', 'true', 'null', '[1]').map((v) => (d: Draft) => {
        setQuery(d, name, enc(v));
        mark(d, { kind: `query.${name}=not-an-integer`, status: 422, loc });
      }),
    );
  } else if (schema.enum) {
    found.push(
      fc.constantFrom('bogus', String(schema.enum[0]).toUpperCase(), '', ' ').map((v) => (d: Draft) => {
        setQuery(d, name, enc(v));
        mark(d, { kind: `query.${name}=not-in-enum`, status: 422, loc });
      }),
    );
  } else if (schema.pattern) {
    found.push(
      fc.constantFrom('a b', '-x', 'x'.repeat(65), 'é', '', 'a/b').map((v) => (d: Draft) => {
        setQuery(d, name, enc(v));
        mark(d, { kind: `query.${name}=not-a-slug`, status: 422, loc });
      }),
    );
  } else if (scalar) {
    const max = schema.maxLength;
    if (max !== undefined) {
      found.push(
        fc.constant((d: Draft) => {
          setQuery(d, name, 'x'.repeat(max + 1));
          mark(d, { kind: `query.${name}=too-long`, status: 422, loc });
        }),
      );
    }
  } else {
    // `categories`: a list of slugs, at most 20.
    found.push(
      fc
        .constantFrom(
          Array.from({ length: 21 }, (_, i) => `c${i}`).join(','),
          'pii,a b',
          `pii,${'x'.repeat(65)}`,
        )
        .map((v) => (d: Draft) => {
          setQuery(d, name, enc(v));
          mark(d, { kind: `query.${name}=bad-list`, status: 422, loc });
        }),
    );
  }
  // Text that holds U+0000, or the bytes of a lone surrogate.
  found.push(
    fc.constantFrom('%00', 'a%00b', `a${PERCENT_SURROGATE}`).map((raw) => (d: Draft) => {
      setQuery(d, name, raw);
      mark(d, {
        kind: `query.${name}=${raw.includes('%00') ? 'nul' : 'lone-surrogate'}`,
        status: raw.includes('%00') ? 422 : 'encoding',
        loc,
      });
    }),
  );
  if (scalar) {
    found.push(
      fc.constant((d: Draft) => {
        const value = schema.type === 'integer' ? String(schema.minimum ?? 1) : (schema.enum?.[0] ?? 'pii');
        d.query.push([name, enc(String(value))], [name, enc(String(value))]);
        mark(d, { kind: `query.${name}=given-twice`, status: 422, loc });
      }),
    );
  }
  if (name === 'cursor') {
    // Opaque: anything but a next_cursor minted under the same filters is a 422 at its loc.
    found.push(
      fc
        .constantFrom(
          'AAAA',
          'e30',
          Buffer.from('{"c":1,"n":"x","i":"y","f":"z"}').toString('base64url'),
          'x'.repeat(1025),
        )
        .map((raw) => (d: Draft) => {
          setQuery(d, name, raw);
          mark(d, { kind: 'query.cursor=invalid', status: 422, loc });
        }),
    );
  }
  // Unknown parameters are ignored: noise, not a problem.
  found.push(
    fc
      .constantFrom('foo=bar', 'LIMIT=99999', '__proto__=1', 'constructor=x', 'a[b]=1')
      .map((pair) => (d: Draft) => {
        const [key = '', value = ''] = pair.split('=');
        d.query.push([key, value]);
        d.notes.push(`unknown query parameter ${key}`);
      }),
  );
  return found;
}

interface BodyField {
  path: (string | number)[];
  schema: JsonSchema;
}

/** Every field of a generated body that a mutation can reach (top level, and the first sample). */
function fieldsOf(schema: JsonSchema): BodyField[] {
  const fields: BodyField[] = [];
  for (const [key, value] of Object.entries(schema.properties ?? {})) {
    fields.push({ path: [key], schema: value });
    const items = value.items ?? value.anyOf?.find((s) => s.items)?.items;
    if (items?.properties) {
      for (const [inner, innerSchema] of Object.entries(items.properties)) {
        fields.push({ path: [key, 0, inner], schema: innerSchema });
      }
    }
  }
  return fields;
}

const typesOf = (schema: JsonSchema): string[] => {
  const all = [schema, ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  return all.flatMap((s) => (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []));
};

/** Puts a value at a path inside the body, creating the first sample when the path needs one. */
function setIn(d: Draft, path: (string | number)[], value: unknown, sampleSeed: unknown = { input: 'x' }) {
  // Whatever this replaces on the way is no longer a problem of the request.
  if (d.rawBody || typeof d.body !== 'object' || d.body === null || Array.isArray(d.body)) {
    d.body = {};
    forget(d, (loc) => sameLoc(loc, ['body']));
    for (const required of d.op.body?.required ?? []) {
      if (required !== path[0]) {
        d.marks.push({
          kind: `body.${required}=missing`,
          status: 422,
          loc: ['body', required],
          type: 'missing',
        });
      }
    }
  }
  d.rawBody = undefined;
  let target = d.body as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as string | number;
    const next = path[i + 1];
    let child = target[key];
    const replace =
      typeof next === 'number'
        ? !Array.isArray(child) || child.length === 0
        : typeof child !== 'object' || child === null || Array.isArray(child);
    if (replace) {
      child = typeof next === 'number' ? [structuredClone(sampleSeed)] : {};
      const here = ['body', ...path.slice(0, i + 1)];
      forget(d, (loc) => sameLoc(loc, here));
    }
    target[key] = child;
    target = child as Record<string | number, unknown>;
  }
  target[path[path.length - 1] as string | number] = value;
}

function bodyMutations(schema: JsonSchema): fc.Arbitrary<Mutation>[] {
  const found: fc.Arbitrary<Mutation>[] = [];
  const fields = fieldsOf(schema);
  const loc = (path: (string | number)[]) => ['body', ...path];
  const name = (path: (string | number)[]) => `body.${path.join('.')}`;
  for (const field of fields) {
    const types = typesOf(field.schema);
    const nullable = types.includes('null');
    if (types.includes('boolean')) {
      found.push(
        fc.constantFrom(...NON_BOOLEANS.filter((v) => !(nullable && v === null))).map((v) => (d: Draft) => {
          setIn(d, field.path, v);
          mark(d, {
            kind: `${name(field.path)}=not-a-boolean`,
            status: 422,
            loc: loc(field.path),
            type: 'bool_type',
          });
        }),
      );
    }
    if (types.includes('string')) {
      found.push(
        fc.constantFrom(...NON_STRINGS.filter((v) => !(nullable && v === null))).map((v) => (d: Draft) => {
          setIn(d, field.path, v);
          mark(d, { kind: `${name(field.path)}=not-a-string`, status: 422, loc: loc(field.path) });
        }),
        fc.constantFrom('\u0000', 'a\u0000b', ...LONE_SURROGATES).map((v) => (d: Draft) => {
          setIn(d, field.path, v);
          mark(d, {
            kind: `${name(field.path)}=${v.includes('\u0000') ? 'nul' : 'lone-surrogate'}`,
            status: 422,
            loc: loc(field.path),
          });
        }),
      );
      const string = [field.schema, ...(field.schema.anyOf ?? [])].find((s) => typesOf(s).includes('string'));
      if (string?.maxLength !== undefined) {
        const max = string.maxLength;
        found.push(
          fc.constant((d: Draft) => {
            setIn(d, field.path, 'x'.repeat(max + 1));
            mark(d, { kind: `${name(field.path)}=too-long`, status: 422, loc: loc(field.path) });
          }),
        );
      }
      if (string?.minLength) {
        found.push(
          fc
            .constantFrom(
              '',
              ...(field.path.includes('name') || field.path.includes('catalog_id') ? ['   '] : []),
            )
            .map((v) => (d: Draft) => {
              setIn(d, field.path, v);
              mark(d, { kind: `${name(field.path)}=empty`, status: 422, loc: loc(field.path) });
            }),
        );
      }
    }
    if (types.includes('array')) {
      const array = [field.schema, ...(field.schema.anyOf ?? [])].find((s) => typesOf(s).includes('array'));
      found.push(
        fc.constantFrom('x', 1, {}, ...(nullable ? [] : [null])).map((v) => (d: Draft) => {
          setIn(d, field.path, v);
          mark(d, { kind: `${name(field.path)}=not-an-array`, status: 422, loc: loc(field.path) });
        }),
      );
      if (array?.maxItems !== undefined) {
        const max = array.maxItems;
        found.push(
          fc.constant((d: Draft) => {
            setIn(
              d,
              field.path,
              Array.from({ length: max + 1 }, () => ({ input: 'x' })),
            );
            mark(d, { kind: `${name(field.path)}=too-many-items`, status: 422, loc: loc(field.path) });
          }),
        );
      }
    }
    if (types.includes('object') && field.path.length > 1) {
      // Free-form metadata: hostile keys and values, and nesting far past 64 levels.
      found.push(
        fc
          .tuple(fc.constantFrom('\u0000', 'k\u0000', ...LONE_SURROGATES), fc.boolean())
          .map(([bad, asKey]) => (d: Draft) => {
            setIn(d, field.path, asKey ? { [bad]: 'v' } : { k: [bad] });
            mark(d, { kind: `${name(field.path)}=bad-text`, status: 422, loc: loc(field.path) });
          }),
        fc.constantFrom(100, 5000).map((levels) => (d: Draft) => {
          setIn(d, field.path, nested(levels));
          mark(d, { kind: `${name(field.path)}=nested-${levels}`, status: 422, loc: loc(field.path) });
        }),
      );
    }
  }
  for (const required of schema.required ?? []) {
    found.push(
      fc.constant((d: Draft) => {
        if (typeof d.body === 'object' && d.body !== null)
          delete (d.body as Record<string, unknown>)[required];
        mark(d, { kind: `body.${required}=missing`, status: 422, loc: ['body', required], type: 'missing' });
      }),
    );
  }
  // Misspelt and unknown fields are refused, never dropped.
  const samples = fields.find((f) => f.path.length === 3);
  found.push(
    fc.constantFrom('isPublic', 'zzz', 'org', 'expectedOutput').map((key) => (d: Draft) => {
      setIn(d, [key], true);
      mark(d, { kind: 'body=unknown-field', status: 422, loc: ['body', key], type: 'extra_forbidden' });
    }),
  );
  if (samples) {
    const list = samples.path[0] as string;
    found.push(
      fc.constantFrom('expectedOutput', 'output', 'meta').map((key) => (d: Draft) => {
        setIn(d, [list, 0, key], 'x');
        mark(d, {
          kind: `body.${list}.0=unknown-field`,
          status: 422,
          loc: ['body', list, 0, key],
          type: 'extra_forbidden',
        });
      }),
    );
  }
  found.push(
    fc.constantFrom([], 'x', 1, null, true).map((v) => (d: Draft) => {
      d.body = v;
      d.rawBody = undefined;
      mark(d, { kind: 'body=not-an-object', status: 422, loc: ['body'] });
    }),
    fc.constantFrom(...MALFORMED_JSON).map((raw) => (d: Draft) => {
      d.rawBody = Buffer.from(raw);
      mark(d, { kind: 'body=malformed-json', status: 422, loc: ['body'], type: 'json_invalid', raw: true });
    }),
    // JSON text is UTF-8 (RFC 8259 §8.1): other bytes are not JSON, never U+FFFD in the data.
    fc.constantFrom([0xff, 0xfe], [0xc3, 0x28], [0xed, 0xb0, 0x80]).map((bytes) => (d: Draft) => {
      d.rawBody = Buffer.concat([
        Buffer.from('{"name":"'),
        Buffer.from(bytes),
        Buffer.from('","catalog_id":"x"}'),
      ]);
      mark(d, { kind: 'body=invalid-utf-8', status: 422, loc: ['body'], type: 'json_invalid', raw: true });
    }),
    // No body at all is a missing body (FastAPI: 422 at ["body", …]).
    fc.constant((d: Draft) => {
      d.rawBody = Buffer.alloc(0);
      mark(d, { kind: 'body=empty', status: 422, loc: ['body'], raw: true });
    }),
    // The media type is compared case-insensitively and may carry parameters.
    fc
      .constantFrom(
        'application/json; charset=utf-8',
        'application/json;charset=UTF-8',
        'APPLICATION/JSON',
        'Application/Json; charset=utf-8',
      )
      .map((type) => (d: Draft) => {
        // The last content type set is the one sent: an earlier wrong one no longer counts.
        d.contentType = type;
        d.marks = d.marks.filter((m) => !m.kind.startsWith('content-type='));
        d.notes.push(`content-type: ${type}`);
      }),
    fc
      .constantFrom(
        null,
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/jsonx',
        'multipart/form-data; boundary=x',
        'text/json',
        'application/xml',
      )
      .map((type) => (d: Draft) => {
        d.contentType = type;
        d.marks = d.marks.filter((m) => !m.kind.startsWith('content-type='));
        d.notes = d.notes.filter((note) => !note.startsWith('content-type: '));
        mark(d, { kind: `content-type=${type === null ? 'missing' : 'wrong'}`, status: 415 });
      }),
  );
  return found;
}

function drafts(op: FuzzOperation, world: World): fc.Arbitrary<Draft> {
  const rules = rulesFor(world);
  const path = fc.record(
    Object.fromEntries(
      op.params
        .filter((p) => p.in === 'path')
        .map((p) => [p.name, validValue(p.schema, `path.${p.name}`, rules).map((v) => enc(String(v)))]),
    ),
  );
  const query = fc.tuple(
    ...op.params
      .filter((p) => p.in === 'query')
      .map((p) =>
        fc
          .option(validValue(p.schema, `query.${p.name}`, rules), { freq: 2, nil: undefined })
          .map((value) => {
            if (value === undefined) return [] as [string, string][];
            const values = Array.isArray(value) ? value : [value];
            return values.map((v) => [p.name, enc(String(v))] as [string, string]);
          }),
      ),
  );
  const body = op.body ? validValue(op.body, 'body', rules) : fc.constant(undefined);
  const all = mutations(op);
  const chosen =
    all.length === 0
      ? fc.constant([] as Mutation[])
      : fc.oneof(
          { weight: 3, arbitrary: fc.constant([] as Mutation[]) },
          { weight: 4, arbitrary: fc.oneof(...all).map((m) => [m]) },
          { weight: 2, arbitrary: fc.array(fc.oneof(...all), { minLength: 2, maxLength: 3 }) },
        );
  const oversized = op.body ? fc.integer({ min: 0, max: 299 }).map((n) => n === 0) : fc.constant(false);
  const head = op.method === 'GET' ? fc.integer({ min: 0, max: 9 }).map((n) => n === 0) : fc.constant(false);
  return fc
    .record({
      path,
      query,
      body,
      chosen,
      credential: credentials(world),
      oversized,
      head,
    })
    .map(({ path, query, body, chosen, credential, oversized, head }) => {
      const draft: Draft = {
        op,
        method: head ? 'HEAD' : op.method,
        path: { ...path },
        query: query.flat(),
        body: structuredClone(body),
        contentType: op.body ? 'application/json' : op.streamBody ? 'application/x-ndjson' : null,
        ...(op.streamBody
          ? { rawBody: Buffer.from('{"input":"first"}\n{"input":"second","metadata":{"k":1}}\n') }
          : {}),
        credential,
        marks: [],
        notes: [],
      };
      for (const mutate of chosen) mutate(draft);
      // Prose: a PATCH changes at least one field.
      const patch = draft.body as Record<string, unknown> | undefined;
      if (
        op.operationId === 'datasets.update' &&
        !draft.rawBody &&
        typeof patch === 'object' &&
        patch !== null &&
        !Array.isArray(patch) &&
        !['name', 'description', 'category', 'is_public'].some((key) => key in patch)
      ) {
        draft.marks.push({ kind: 'body=no-field', status: 422, loc: ['body'] });
      }
      // Bytes that replace the body leave none of its fields' problems.
      if (draft.rawBody) draft.marks = draft.marks.filter((m) => m.raw || m.loc?.[0] !== 'body');
      if (oversized) {
        draft.rawBody = Buffer.from(`{"name":"${'x'.repeat(OVERSIZED_BODY)}"}`);
        draft.marks = draft.marks.filter((m) => m.loc?.[0] !== 'body');
        mark(draft, { kind: 'body=over-16-MiB', status: 413 });
      }
      return draft;
    });
}

// ---------------------------------------------------------------------------------------------
// What the answer must be

function decodedPath(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  try {
    return decodeURIComponent(raw).toLowerCase();
  } catch {
    return undefined;
  }
}

function allowedStatuses(d: Draft, world: World): Set<number> {
  const { op, marks, credential } = d;
  if (!op.authenticated) return new Set([200]);
  const transport = new Set(marks.flatMap((m) => (m.status === 415 || m.status === 413 ? [m.status] : [])));
  const encoding = marks.some((m) => m.status === 'encoding');
  // A streamed body is read only once the request may write to the dataset: its lines are judged last.
  const streamed = (m: Mark) => op.streamBody !== undefined && m.loc?.[0] === 'body';
  const invalid = marks.some((m) => m.status === 422 && !streamed(m));
  const badLines = marks.some((m) => m.status === 422 && streamed(m));
  // A credential problem is always a 401 (or a body the transport refuses before reading it).
  if (!credential.valid) return new Set([401, ...transport, ...(encoding ? [400, 404] : [])]);
  if (transport.size > 0) return new Set([...transport, ...(invalid || encoding ? [422] : [])]);
  if (invalid || encoding) return new Set([422, ...(encoding ? [400, 404] : [])]);
  const org = decodedPath(d.path.org_id);
  if (org !== undefined && org !== credential.org) return new Set([403]);
  // The token operations need the admin scope; the others write with ci and admin tokens.
  if (op.operationId.startsWith('tokens.') && credential.kind !== 'admin') return new Set([403]);
  if (op.method !== 'GET' && credential.kind === 'runtime') return new Set([403]);
  const token = decodedPath(d.path.token_id);
  if (token !== undefined && org !== undefined && !(world.revocable.get(org) ?? []).includes(token)) {
    return new Set([404]);
  }
  const dataset = decodedPath(d.path.dataset_id);
  if (dataset !== undefined && org !== undefined && !(world.datasets.get(org) ?? []).includes(dataset)) {
    return new Set([404]);
  }
  if (
    dataset !== undefined &&
    ['datasets.update', 'datasets.appendSamples', 'datasets.import'].includes(op.operationId) &&
    !world.customer.has(dataset)
  ) {
    return new Set([403]);
  }
  if (badLines) return new Set([422]);
  if (op.operationId === 'datasets.install') {
    const id = (d.body as { catalog_id?: string }).catalog_id?.trim();
    if (!world.catalogIds.includes(id ?? '')) return new Set([404]);
  }
  return new Set(op.statuses.filter((s) => (s >= 200 && s < 300) || s === 409));
}

/** A deleted dataset is no longer the org's. */
function forgetDataset(world: World, d: Draft): void {
  const org = decodedPath(d.path.org_id);
  const dataset = decodedPath(d.path.dataset_id);
  if (org === undefined || dataset === undefined) return;
  world.datasets.set(
    org,
    (world.datasets.get(org) ?? []).filter((id) => id !== dataset),
  );
}

// ---------------------------------------------------------------------------------------------
// Sending

function toRequest(d: Draft): Sent {
  const target =
    d.op.template.replace(/\{([^}]+)\}/g, (_, name: string) => d.path[name] ?? '') +
    (d.query.length ? `?${d.query.map(([k, v]) => `${k}=${v}`).join('&')}` : '');
  const headers: Record<string, string | string[]> = { ...d.credential.headers };
  let body: Buffer | undefined;
  if (d.op.body || d.op.streamBody) {
    body = d.rawBody ?? Buffer.from(d.body === undefined ? '' : toJsonText(d.body));
    if (d.contentType !== null) headers['Content-Type'] = d.contentType;
  }
  return { method: d.method, target, headers, ...(body ? { body } : {}) };
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function send(base: URL, agent: Agent, sent: Sent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        method: sent.method,
        path: sent.target,
        headers: { ...sent.headers, ...(sent.body ? { 'Content-Length': String(sent.body.length) } : {}) },
        agent,
        timeout: 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 15 s')));
    req.on('error', reject);
    req.end(sent.body);
  });
}

// ---------------------------------------------------------------------------------------------
// Judging

const LOCATIONS = ['path', 'query', 'header', 'body'];
const startsWith = (loc: unknown[], prefix: (string | number)[]) =>
  prefix.every((part, i) => loc[i] === part);

/** What is wrong with an answer, as stable kinds (for grouping) with their details. */
function judge(
  d: Draft,
  sent: Sent,
  answer: Answer,
  allowed: Set<number>,
): { kind: string; detail: string }[] {
  const problems: { kind: string; detail: string }[] = [];
  const text = answer.body.toString('utf8');
  if (answer.status >= 500) problems.push({ kind: `${answer.status}`, detail: preview(text) });
  else if (!allowed.has(answer.status)) {
    problems.push({ kind: `${answer.status}, not ${[...allowed].join('/')}`, detail: preview(text) });
  }
  let json: unknown;
  if (answer.status >= 400 && d.method !== 'HEAD') {
    try {
      json = JSON.parse(text);
    } catch {
      problems.push({ kind: 'error body is not JSON', detail: preview(text) });
    }
    const shape = fastApiShape(answer.status, json);
    if (json !== undefined && shape)
      problems.push({ kind: `error body not FastAPI-shaped: ${shape}`, detail: preview(text) });
  }
  if (answer.status === 422 && json !== undefined && !fastApiShape(422, json)) {
    const issues = (json as { detail: { loc: unknown[]; type: string }[] }).detail;
    const located = d.marks.filter((m) => (m.status === 422 || m.status === 'encoding') && m.loc);
    if (located.length > 0 && !located.some((m) => issues.some((i) => startsWith(i.loc, m.loc ?? [])))) {
      problems.push({
        kind: `422 not at ${located.map((m) => JSON.stringify(m.loc)).join(' or ')}`,
        detail: preview(text),
      });
    }
    for (const m of located.filter((m) => m.type)) {
      const here = issues.filter((i) => startsWith(i.loc, m.loc ?? []));
      if (here.length > 0 && !here.some((i) => i.type === m.type)) {
        problems.push({
          kind: `422 type at ${JSON.stringify(m.loc)} is not ${m.type}`,
          detail: preview(text),
        });
      }
    }
  }
  const contract = committedContract().check({
    method: sent.method,
    url: sent.target,
    status: answer.status,
    headers: answer.headers,
    body: answer.body,
  });
  for (const problem of contract.problems) {
    problems.push({
      kind: `contract: ${problem.replace(/"[^"]*"/g, '"…"').replace(/\d+ bytes/, 'N bytes')}`,
      detail: preview(text),
    });
  }
  return problems;
}

/** Why a body is not FastAPI's error shape, or undefined when it is. */
function fastApiShape(status: number, body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'not an object';
  const keys = Object.keys(body);
  if (keys.length !== 1 || keys[0] !== 'detail') return `keys ${JSON.stringify(keys)}`;
  const detail = (body as { detail: unknown }).detail;
  if (status !== 422) return typeof detail === 'string' ? undefined : 'detail is not a string';
  if (!Array.isArray(detail) || detail.length === 0) return 'a 422 detail is not a non-empty list';
  for (const issue of detail as Record<string, unknown>[]) {
    const loc = issue?.loc;
    if (
      !Array.isArray(loc) ||
      loc.length === 0 ||
      !LOCATIONS.includes(loc[0] as string) ||
      !loc.every((p) => typeof p === 'string' || typeof p === 'number') ||
      typeof issue.msg !== 'string' ||
      typeof issue.type !== 'string'
    ) {
      return `issue ${JSON.stringify(issue).slice(0, 200)}`;
    }
  }
  return undefined;
}

function preview(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function describeRequest(d: Draft, sent: Sent): string {
  const headers = Object.entries(sent.headers)
    .map(([k, v]) => `${k}: ${String(v).replace(/znyx_(rt|ci|admin)_[\w-]+/g, 'znyx_$1_…')}`)
    .join('; ');
  const body = sent.body
    ? sent.body.length > 400
      ? `${sent.body.length} bytes: ${preview(sent.body.toString('utf8'), 160)}`
      : JSON.stringify(sent.body.toString('utf8'))
    : '';
  const credential = d.credential.valid
    ? `${d.credential.kind} token of ${d.credential.org === d.path.org_id ? 'the path org' : 'an org'}`
    : `bad credential (${d.credential.label})`;
  return `${sent.method} ${preview(sent.target, 200)}\n      headers: ${headers || '(none)'} [${credential}]${body ? `\n      body: ${body}` : ''}`;
}

// ---------------------------------------------------------------------------------------------

const OPERATIONS = operationsOf(JSON.parse(readFileSync(COMMITTED_OPENAPI, 'utf8')));

describe.each(TEST_ENGINES)('fuzzing every operation of openapi.json over %s', (engine) => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let world: World;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });

  beforeAll(async () => {
    server = await startTestServer({ engine });
    const acme = await createOrgWithTokens(server.store, 'Fuzz Acme');
    const globex = await createOrgWithTokens(server.store, 'Fuzz Globex');
    // Customer datasets to change and delete, beside the read-only seeded ones.
    for (const org of [acme, globex]) {
      await server.store.insertDatasets(
        org.org.id,
        Array.from({ length: 40 }, (_, i) => ({
          name: `Fuzz customer ${i}`,
          trustLevel: 'unverified' as const,
          source: 'customer' as const,
          isPublic: false,
          samples: [{ input: `row ${i}` }],
        })),
      );
    }
    const customer = new Set<string>();
    const datasets = new Map<string, string[]>();
    for (const org of [acme, globex]) {
      const page = await server.store.listDatasets({
        orgId: org.org.id,
        categories: [],
        limit: 200,
        offset: 0,
      });
      datasets.set(
        org.org.id,
        page.datasets.map((d) => d.id),
      );
      for (const d of page.datasets) if (d.source === 'customer') customer.add(d.id);
    }
    const catalog = (await (
      await fetch(`${server.url}/v1/orgs/${acme.org.id}/datasets/catalog?limit=200`, {
        headers: bearer(acme.runtime),
      })
    ).json()) as { entries: { id: string; slug: string }[] };
    const revocable = new Map<string, string[]>();
    for (const org of [acme, globex]) {
      const minted = await Promise.all(
        [0, 1, 2].map(() => issueToken(server.store, { orgId: org.org.id, kind: 'runtime' })),
      );
      revocable.set(
        org.org.id,
        minted.map((t) => t.record.id),
      );
    }
    world = {
      acme,
      globex,
      datasets,
      customer,
      catalogIds: catalog.entries.flatMap((e) => [e.id, e.slug]),
      revocable,
    };
  });
  afterAll(async () => {
    agent.destroy();
    await server?.close();
  });

  for (const [label, seed] of [
    ['the fixed seed', FIXED_SEED],
    ['a random seed', RANDOM_SEED],
  ] as const) {
    it(`${label} (${seed}): no 5xx, FastAPI-shaped 4xx at the right status and loc, every response as documented`, async () => {
      // Operations with more to get wrong get more requests.
      const arbitrary = fc.oneof(
        ...OPERATIONS.map((op) => ({
          weight: 2 + mutations(op).length,
          arbitrary: drafts(op, world),
        })),
      );
      const requests = fc.sample(arbitrary, { seed, numRuns: RUNS });
      const base = new URL(server.url);
      const failures = new Map<string, { count: number; example: string; size: number }>();
      for (const draft of requests) {
        const sent = toRequest(draft);
        // Judged by the world as it was when the request left.
        const allowed = allowedStatuses(draft, world);
        let answer: Answer;
        try {
          answer = await send(base, agent, sent);
        } catch (error) {
          if (draft.marks.some((m) => m.status === 413)) continue; // the server may close mid-upload
          answer = { status: 599, headers: {}, body: Buffer.from(String(error)) };
        }
        if (draft.op.operationId === 'datasets.delete' && answer.status === 204) forgetDataset(world, draft);
        const problems = judge(draft, sent, answer, allowed);
        for (const problem of problems) {
          const what = [...new Set([...draft.marks.map((m) => m.kind), ...draft.notes])].sort();
          // HEAD's failures are HEAD's, whatever else the request held.
          const signature =
            draft.method === 'HEAD'
              ? `HEAD ${draft.op.template} → ${problem.kind.replace(/, not .*/, '')}`
              : `${draft.op.method} ${draft.op.template} | ${what.length ? what.join(' + ') : 'valid'} → ${problem.kind}`;
          const example = `${describeRequest(draft, sent)}\n      → ${answer.status} ${problem.detail}`;
          // The simplest example of each kind: fewest problems, then shortest.
          const size = (draft.marks.length + draft.notes.length) * 100_000 + example.length;
          const known = failures.get(signature);
          if (!known) failures.set(signature, { count: 1, example, size });
          else {
            known.count++;
            if (size < known.size) Object.assign(known, { example, size });
          }
        }
      }
      if (process.env.FUZZ_COVERAGE) {
        const kinds = new Map<string, number>();
        for (const d of requests) {
          for (const k of [...d.marks.map((m) => m.kind), ...d.notes, d.method === 'HEAD' ? 'HEAD' : '']) {
            if (k) kinds.set(`${d.op.operationId} ${k}`, (kinds.get(`${d.op.operationId} ${k}`) ?? 0) + 1);
          }
        }
        console.log(
          [...kinds.entries()]
            .sort()
            .map(([k, n]) => `${n}\t${k}`)
            .join('\n'),
        );
      }
      const report = [...failures.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([signature, { count, example }]) => `• ${signature} (${count}×)\n    e.g. ${example}`);
      if (report.length > 0) {
        // Thrown as text, so that each request reads as it was sent.
        throw new Error(
          `${failures.size} kinds of failure in ${requests.length} requests over ${engine}, seed ${seed} ` +
            `(replay: FUZZ_SEED=${seed} npx vitest run src/openapi-fuzz.test.ts, in apps/server):\n\n${report.join('\n')}`,
        );
      }
    });
  }
});
