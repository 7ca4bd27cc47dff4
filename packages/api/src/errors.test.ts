import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ApiError, type InputLocation, toValidationIssues } from './errors';
import { ListDatasetsInput } from './schemas/datasets';

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
