import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ApiError, type InputLocation, toValidationIssues } from './errors';
import { CreateDatasetInput, ListDatasetsInput } from './schemas/datasets';

const ORG_ID = '3f2b8c1e-9a4d-4e7b-8c6a-1d2e3f4a5b6c';

/** Where each List Datasets field travels on REST: org_id in the path, the rest in the query. */
const listLocation = (field: string | undefined): InputLocation => (field === 'org_id' ? 'path' : 'query');

function zodErrorFor(rawInput: unknown): z.core.$ZodError {
  const result = ListDatasetsInput.safeParse(rawInput);
  if (result.success) throw new Error('expected the input to be invalid');
  return result.error;
}

const issuesFor = (rawInput: unknown, locationOf = listLocation) =>
  toValidationIssues(zodErrorFor(rawInput), rawInput, locationOf);

describe('toValidationIssues', () => {
  it('reports a missing field as type missing with msg "Field required"', () => {
    expect(issuesFor({})).toEqual([{ loc: ['path', 'org_id'], msg: 'Field required', type: 'missing' }]);
  });

  it('reports an absent input as missing, located at the bare location', () => {
    expect(issuesFor(undefined)).toEqual([{ loc: ['query'], msg: 'Field required', type: 'missing' }]);
  });

  it('reports a present value of the wrong type by its expected type, not as missing', () => {
    expect(issuesFor({ org_id: 5 })).toEqual([
      { loc: ['path', 'org_id'], msg: 'Input should be a valid string', type: 'string_type' },
    ]);
  });

  it('reports a number above the maximum as less_than_equal', () => {
    expect(issuesFor({ org_id: ORG_ID, limit: 500 })).toEqual([
      { loc: ['query', 'limit'], msg: 'Input should be less than or equal to 200', type: 'less_than_equal' },
    ]);
  });

  it('reports a number below the minimum as greater_than_equal', () => {
    expect(issuesFor({ org_id: ORG_ID, offset: -1 })).toEqual([
      {
        loc: ['query', 'offset'],
        msg: 'Input should be greater than or equal to 0',
        type: 'greater_than_equal',
      },
    ]);
  });

  it('reports a non-integer number as int_parsing', () => {
    expect(issuesFor({ org_id: ORG_ID, limit: '1.5' })).toEqual([
      { loc: ['query', 'limit'], msg: 'Input should be a valid integer', type: 'int_parsing' },
    ]);
  });

  it('reports a present but malformed uuid as uuid_parsing, not as missing', () => {
    expect(issuesFor({ org_id: 'not-a-uuid' })).toEqual([
      { loc: ['path', 'org_id'], msg: 'Input should be a valid UUID', type: 'uuid_parsing' },
    ]);
  });

  it('reports a value outside an enum as enum, naming the allowed values', () => {
    const [issue, ...rest] = issuesFor({ org_id: ORG_ID, source: 'nope' });
    expect(rest).toEqual([]);
    expect(issue?.loc).toEqual(['query', 'source']);
    expect(issue?.type).toBe('enum');
    for (const source of ['znyx_sample', 'industry_standard', 'customer']) {
      expect(issue?.msg).toContain(`'${source}'`);
    }
  });

  it('roots loc at the location, followed by the full path including array indexes', () => {
    expect(issuesFor({ org_id: ORG_ID, categories: 'pii,b@d' })).toEqual([
      {
        loc: ['query', 'categories', 1],
        msg: expect.stringContaining('Category must be a slug'),
        type: 'string_pattern_mismatch',
      },
    ]);
  });

  it('reports a list with too many items as too_long', () => {
    const categories = Array.from({ length: 21 }, (_, i) => `c${i}`).join(',');
    expect(issuesFor({ org_id: ORG_ID, categories })).toEqual([
      { loc: ['query', 'categories'], msg: 'List should have at most 20 items', type: 'too_long' },
    ]);
  });

  it('gives one entry per problem, in order, each at its own location', () => {
    const issues = issuesFor({ limit: 0, source: 'x' });
    expect(issues.map((issue) => [issue.loc, issue.type])).toEqual([
      [['path', 'org_id'], 'missing'],
      [['query', 'source'], 'enum'],
      [['query', 'limit'], 'greater_than_equal'],
    ]);
  });

  it('asks locationOf for the first path segment of each issue', () => {
    const asked: (string | undefined)[] = [];
    const issues = issuesFor({ org_id: ORG_ID, limit: 0, categories: 'ok,B@D' }, (field) => {
      asked.push(field);
      return 'body';
    });
    expect(asked).toEqual(['categories', 'limit']);
    expect(issues.map((issue) => issue.loc)).toEqual([
      ['body', 'categories', 1],
      ['body', 'limit'],
    ]);
  });
});

describe('toValidationIssues on integers past every bound', () => {
  it('reports a huge limit once, against its own maximum (not the safe-integer range, not as a list)', () => {
    expect(issuesFor({ org_id: ORG_ID, limit: '9999999999999999999999' })).toEqual([
      { loc: ['query', 'limit'], msg: 'Input should be less than or equal to 200', type: 'less_than_equal' },
    ]);
  });

  it('reports an offset of 2^53 as over 2^53 − 1', () => {
    expect(issuesFor({ org_id: ORG_ID, offset: '9007199254740992' })).toEqual([
      {
        loc: ['query', 'offset'],
        msg: 'Input should be less than or equal to 9007199254740991',
        type: 'less_than_equal',
      },
    ]);
  });
});

describe('toValidationIssues on unions', () => {
  it('reports a categories list of 21 items as too long, at the parameter', () => {
    expect(issuesFor({ org_id: ORG_ID, categories: Array(21).fill('a') })).toEqual([
      { loc: ['query', 'categories'], msg: 'List should have at most 20 items', type: 'too_long' },
    ]);
  });

  it('names both accepted types for a value of neither', () => {
    expect(issuesFor({ org_id: ORG_ID, categories: 5 })).toEqual([
      { loc: ['query', 'categories'], msg: 'Input should be a valid string or list', type: 'string_type' },
    ]);
  });
});

describe('toValidationIssues on bodies', () => {
  const bodyIssues = (rawInput: Record<string, unknown>) => {
    const result = CreateDatasetInput.safeParse(rawInput);
    if (result.success) throw new Error('expected the input to be invalid');
    return toValidationIssues(result.error, rawInput, (field) => (field === 'org_id' ? 'path' : 'body'));
  };

  it('reports each unknown field at its own loc as extra_forbidden', () => {
    const body = { org_id: ORG_ID, name: 'x', colour: 1, samples: [{ input: 'a', expectedOutput: 'b' }] };
    expect(bodyIssues(body)).toEqual([
      {
        loc: ['body', 'samples', 0, 'expectedOutput'],
        msg: 'Extra inputs are not permitted',
        type: 'extra_forbidden',
      },
      { loc: ['body', 'colour'], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' },
    ]);
  });

  it.each(['false', '0', 'no', '', 0, 1, [], {}, null])('rejects is_public %j as bool_type', (value) => {
    expect(bodyIssues({ org_id: ORG_ID, name: 'x', is_public: value })).toEqual([
      { loc: ['body', 'is_public'], msg: 'Input should be a valid boolean', type: 'bool_type' },
    ]);
  });

  it('reports a body that is not an object as dict_type at ["body"]', () => {
    const result = CreateDatasetInput.safeParse([1, 2]);
    expect(result.success).toBe(false);
    expect(toValidationIssues(result.error as z.core.$ZodError, [1, 2], () => 'body')).toEqual([
      { loc: ['body'], msg: 'Input should be a valid dictionary', type: 'dict_type' },
    ]);
  });
});

describe('ApiError', () => {
  it('carries its reason, client detail and the matching tRPC code', () => {
    const error = ApiError.forbidden('nope');
    expect(error.reason).toBe('forbidden');
    expect(error.detail).toBe('nope');
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toBe('nope');
  });

  it('carries validation issues as its detail with a generic message', () => {
    const issues = [{ loc: ['query', 'limit'], msg: 'Field required', type: 'missing' }];
    const error = ApiError.validation(issues);
    expect(error.reason).toBe('validation');
    expect(error.code).toBe('UNPROCESSABLE_CONTENT');
    expect(error.detail).toEqual(issues);
    expect(error.message).toBe('Validation failed');
  });
});
