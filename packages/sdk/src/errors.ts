import type { components } from './schema.generated';

/** One problem of a 422 answer: `loc` is [where (`path`|`query`|`header`|`body`), name, …]. */
export type ValidationIssue = components['schemas']['ValidationError'];

export interface ZnyxApiErrorInit {
  status: number;
  detail: string | ValidationIssue[];
  method: string;
  url: string;
  requestId?: string | undefined;
  retryAfterSeconds?: number | undefined;
  body?: unknown;
}

/**
 * The API answered with an error status (4xx/5xx). `detail` is the FastAPI-style body:
 * a message, or for a 422 the list of `{loc, msg, type}` problems.
 */
export class ZnyxApiError extends Error {
  override readonly name = 'ZnyxApiError';
  readonly status: number;
  readonly detail: string | ValidationIssue[];
  /** The server's `X-Request-Id`: quote it when you report a problem. */
  readonly requestId: string | undefined;
  /** From `Retry-After` (on 429 and 503), in seconds. */
  readonly retryAfterSeconds: number | undefined;
  readonly method: string;
  readonly url: string;
  /** The parsed response body, as received. */
  readonly body: unknown;

  constructor(init: ZnyxApiErrorInit) {
    super(`ZNYX API ${init.method} ${pathOf(init.url)} → ${init.status}: ${describe(init.detail)}`);
    this.status = init.status;
    this.detail = init.detail;
    this.requestId = init.requestId;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.method = init.method;
    this.url = init.url;
    this.body = init.body;
  }
}

/** No HTTP answer at all: the connection failed, or the request timed out. */
export class ZnyxNetworkError extends Error {
  override readonly name = 'ZnyxNetworkError';
  /** `timeout` when `timeoutMs` elapsed, `network` for every other transport failure. */
  readonly kind: 'timeout' | 'network';
  readonly method: string;
  readonly url: string;

  constructor(init: {
    kind: 'timeout' | 'network';
    method: string;
    url: string;
    cause: unknown;
    timeoutMs?: number;
  }) {
    const what =
      init.kind === 'timeout'
        ? `timed out after ${init.timeoutMs} ms`
        : `failed: ${init.cause instanceof Error ? init.cause.message : String(init.cause)}`;
    super(`ZNYX API ${init.method} ${pathOf(init.url)} ${what}`, { cause: init.cause });
    this.kind = init.kind;
    this.method = init.method;
    this.url = init.url;
  }
}

function describe(detail: string | ValidationIssue[]): string {
  if (typeof detail === 'string') return detail;
  return detail.map((issue) => `${issue.loc.join('.')}: ${issue.msg}`).join('; ');
}

function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search;
  } catch {
    return url;
  }
}

/** Reads an error answer's `detail` the FastAPI way, falling back to the status line. */
export function detailOf(body: unknown, response: Response): string | ValidationIssue[] {
  if (typeof body === 'object' && body !== null && 'detail' in body) {
    const { detail } = body as { detail: unknown };
    if (typeof detail === 'string') return detail;
    if (Array.isArray(detail) && detail.every(isValidationIssue)) return detail;
  }
  // A proxy's HTML page is not worth repeating; a short plain-text message is.
  if (
    typeof body === 'string' &&
    body.length > 0 &&
    body.length <= 500 &&
    !body.trimStart().startsWith('<')
  ) {
    return body;
  }
  return response.statusText || `HTTP ${response.status}`;
}

function isValidationIssue(item: unknown): item is ValidationIssue {
  return (
    typeof item === 'object' &&
    item !== null &&
    Array.isArray((item as ValidationIssue).loc) &&
    typeof (item as ValidationIssue).msg === 'string' &&
    typeof (item as ValidationIssue).type === 'string'
  );
}

/** `Retry-After` as seconds: delta-seconds, or an HTTP date turned into seconds from now. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}
