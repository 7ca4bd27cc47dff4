import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { DatasetNameTakenError, StoreUnavailableError } from '@znyx/db';
import type { z } from 'zod';
import type { RateBudget } from './services/rate-limit';

/** The closed set of reasons a request can fail, and the tRPC code each maps to. */
const TRPC_CODE_OF = {
  unauthorized: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  not_found: 'NOT_FOUND',
  validation: 'UNPROCESSABLE_CONTENT',
  conflict: 'CONFLICT',
  rate_limited: 'TOO_MANY_REQUESTS',
  payload_too_large: 'PAYLOAD_TOO_LARGE',
  unsupported_media_type: 'UNSUPPORTED_MEDIA_TYPE',
  unavailable: 'SERVICE_UNAVAILABLE',
  internal: 'INTERNAL_SERVER_ERROR',
} as const satisfies Record<string, TRPC_ERROR_CODE_KEY>;

export type ApiErrorCode = keyof typeof TRPC_CODE_OF;

/** One problem with the input, in FastAPI's shape: where, what, and a machine-readable type. */
export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export const INTERNAL_ERROR_MESSAGE = 'Internal Server Error';
export const PAYLOAD_TOO_LARGE_MESSAGE = 'Request body too large';

/**
 * The one error type of the API. It is a TRPCError, so tRPC and trpc-to-openapi carry it
 * unchanged; `detail` is what clients read, on both transports.
 */
export class ApiError extends TRPCError {
  readonly reason: ApiErrorCode;
  readonly detail: string | ValidationIssue[];
  /** Set on rate_limited and unavailable errors: sent as the Retry-After header. */
  retryAfterSeconds?: number;
  /** Set on a token's 429: its budget (nothing left), for the RateLimit-* headers. */
  rateBudget?: RateBudget;

  constructor(reason: ApiErrorCode, detail: string | ValidationIssue[], cause?: unknown) {
    super({
      code: TRPC_CODE_OF[reason],
      message: typeof detail === 'string' ? detail : 'Validation failed',
      cause,
    });
    // trpc-to-openapi recognises tRPC errors by this name, so it must stay 'TRPCError'.
    this.reason = reason;
    this.detail = detail;
  }

  static unauthorized(detail: string) {
    return new ApiError('unauthorized', detail);
  }
  static forbidden(detail: string) {
    return new ApiError('forbidden', detail);
  }
  static notFound(detail: string) {
    return new ApiError('not_found', detail);
  }
  static validation(issues: ValidationIssue[]) {
    return new ApiError('validation', issues);
  }
  static conflict(detail: string) {
    return new ApiError('conflict', detail);
  }
  /** `cause`: the store's error, kept for the log line (never sent to a client). */
  static unavailable(cause?: unknown) {
    const error = new ApiError('unavailable', 'Database unavailable; retry shortly', cause);
    error.retryAfterSeconds = 1;
    return error;
  }
  static payloadTooLarge() {
    return new ApiError('payload_too_large', PAYLOAD_TOO_LARGE_MESSAGE);
  }
  static unsupportedMediaType(detail: string) {
    return new ApiError('unsupported_media_type', detail);
  }
  static rateLimited(detail: string, retryAfterSeconds: number) {
    const error = new ApiError('rate_limited', detail);
    error.retryAfterSeconds = retryAfterSeconds;
    return error;
  }
}

/**
 * The store's expected failures as API errors: a database that is not there → 503 with
 * Retry-After (never a 500 with a driver message); a dataset name the org already uses → 409.
 */
export function fromStoreError(error: unknown): ApiError | undefined {
  if (error instanceof StoreUnavailableError) return ApiError.unavailable(error);
  if (error instanceof DatasetNameTakenError) return ApiError.conflict(error.message);
  return undefined;
}

/** Where a procedure's input field travels on the REST side (FastAPI's first `loc` item). */
export type InputLocation = 'path' | 'query' | 'body';

/** Converts zod's issues into FastAPI-style validation issues rooted at their location. */
export function toValidationIssues(
  error: z.core.$ZodError,
  rawInput: unknown,
  locationOf: (field: string | undefined) => InputLocation,
): ValidationIssue[] {
  return tightestBounds(error.issues.flatMap(matchedBranch)).flatMap((issue) => {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    // One entry per unknown field, at the field's own loc (pydantic's extra_forbidden).
    const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...path, key]) : [path];
    return paths.map((at) => {
      const first = typeof at[0] === 'string' ? at[0] : undefined;
      const missing = valueAt(rawInput, at) === undefined;
      return { loc: [locationOf(first), ...at], ...describeIssue(issue, missing) };
    });
  });
}

/**
 * A union (e.g. `categories`: a string or a list) that failed: when the value had the type of
 * one branch, that branch's problems are the real ones, placed at the union's path.
 */
function matchedBranch(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union') return [issue];
  const typed = issue.errors.filter(
    (branch) => !branch.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0),
  );
  if (typed.length !== 1) return [issue];
  return (typed[0] ?? []).flatMap((inner) =>
    matchedBranch({ ...inner, path: [...issue.path, ...inner.path] }),
  );
}

/**
 * zod reports an integer out of the safe range twice (the int type's own bound, then the
 * schema's): keep only the tighter bound of each kind per field, as one problem.
 */
function tightestBounds(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const kept = new Map<string, z.core.$ZodIssue>();
  const rest: z.core.$ZodIssue[] = [];
  for (const issue of issues) {
    if ((issue.code !== 'too_big' && issue.code !== 'too_small') || !isNumeric(issue.origin)) {
      rest.push(issue);
      continue;
    }
    const key = `${issue.code}:${JSON.stringify(issue.path)}`;
    const previous = kept.get(key);
    if (!previous || isTighter(issue, previous)) kept.set(key, issue);
  }
  return [...rest, ...kept.values()];
}

const isNumeric = (origin: string) => origin === 'number' || origin === 'int' || origin === 'bigint';

function isTighter(issue: z.core.$ZodIssue, than: z.core.$ZodIssue): boolean {
  if (issue.code === 'too_big' && than.code === 'too_big')
    return Number(issue.maximum) < Number(than.maximum);
  if (issue.code === 'too_small' && than.code === 'too_small') {
    return Number(issue.minimum) > Number(than.minimum);
  }
  return false;
}

function valueAt(value: unknown, path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** pydantic's names for the JSON types zod calls by theirs. */
const PYDANTIC_TYPE: Record<string, { name: string; type: string }> = {
  boolean: { name: 'boolean', type: 'bool_type' },
  string: { name: 'string', type: 'string_type' },
  object: { name: 'dictionary', type: 'dict_type' },
  record: { name: 'dictionary', type: 'dict_type' },
  array: { name: 'list', type: 'list_type' },
};

function describeIssue(issue: z.core.$ZodIssue, missing: boolean): { msg: string; type: string } {
  switch (issue.code) {
    case 'invalid_type': {
      if (missing) return { msg: 'Field required', type: 'missing' };
      // Every numeric input of this API is an integer; zod reports a string given to an
      // integer schema as "expected number", a fraction as "expected int".
      if (issue.expected === 'int' || issue.expected === 'number') {
        return { msg: 'Input should be a valid integer', type: 'int_parsing' };
      }
      const known = PYDANTIC_TYPE[issue.expected];
      if (known) return { msg: `Input should be a valid ${known.name}`, type: known.type };
      return { msg: `Input should be a valid ${issue.expected}`, type: `${issue.expected}_type` };
    }
    case 'too_small':
      if (isNumeric(issue.origin)) {
        return {
          msg: `Input should be greater than or equal to ${issue.minimum}`,
          type: 'greater_than_equal',
        };
      }
      if (issue.origin === 'string') {
        return {
          msg: `String should have at least ${issue.minimum} characters`,
          type: 'string_too_short',
        };
      }
      return { msg: `List should have at least ${issue.minimum} items`, type: 'too_short' };
    case 'too_big':
      if (isNumeric(issue.origin)) {
        return {
          msg: `Input should be less than or equal to ${issue.maximum}`,
          type: 'less_than_equal',
        };
      }
      if (issue.origin === 'string') {
        return {
          msg: `String should have at most ${issue.maximum} characters`,
          type: 'string_too_long',
        };
      }
      return { msg: `List should have at most ${issue.maximum} items`, type: 'too_long' };
    case 'invalid_format':
      if (issue.format === 'regex') return { msg: issue.message, type: 'string_pattern_mismatch' };
      if (issue.format === 'guid' || issue.format === 'uuid') {
        return { msg: 'Input should be a valid UUID', type: 'uuid_parsing' };
      }
      return { msg: issue.message, type: `${issue.format}_parsing` };
    case 'invalid_value':
      if (missing) return { msg: 'Field required', type: 'missing' };
      return {
        msg: `Input should be ${issue.values.map((v) => `'${String(v)}'`).join(', ')}`,
        type: 'enum',
      };
    case 'unrecognized_keys':
      return { msg: 'Extra inputs are not permitted', type: 'extra_forbidden' };
    case 'invalid_union': {
      // No branch had the value's type: name them all.
      const expected = issue.errors.flatMap((branch) =>
        branch.flatMap((inner) =>
          inner.code === 'invalid_type' ? [PYDANTIC_TYPE[inner.expected] ?? null] : [],
        ),
      );
      const names = expected.map((known) => known?.name).filter(Boolean);
      if (names.length === 0) return { msg: issue.message, type: 'value_error' };
      return {
        msg: `Input should be a valid ${names.join(' or ')}`,
        type: expected[0]?.type ?? 'value_error',
      };
    }
    default:
      return { msg: issue.message, type: 'value_error' };
  }
}

/**
 * The one mapping from any error to what a client is told. Expected errors say what went
 * wrong; anything else is a generic 500 that never carries a message, stack or SQL.
 */
export function clientDetail(error: TRPCError): string | ValidationIssue[] {
  if (error instanceof ApiError) return error.detail;
  if (error.code === 'INTERNAL_SERVER_ERROR') return INTERNAL_ERROR_MESSAGE;
  // The transports' own rejections of a body, worded for clients.
  if (error.code === 'PARSE_ERROR')
    return [{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }];
  if (error.code === 'PAYLOAD_TOO_LARGE') return PAYLOAD_TOO_LARGE_MESSAGE;
  if (error.code === 'UNSUPPORTED_MEDIA_TYPE') return 'Content-Type must be application/json';
  // Errors raised by tRPC or trpc-to-openapi themselves (bad JSON, wrong content type, ...):
  // their messages are written for clients and hold no internals.
  return error.message;
}
