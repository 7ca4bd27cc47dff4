import type { ServerResponse } from 'node:http';
import { appRouter, type Context, INTERNAL_ERROR_MESSAGE } from '@znyx/api';
import type { Request, RequestHandler } from 'express';
import { createOpenApiNodeHttpHandler } from 'trpc-to-openapi';
import { errorHeaders, MAX_BODY_BYTES, recordCallError } from './errors';

/**
 * The documented REST paths (`/v1/...`), served from the same router through
 * trpc-to-openapi. Unmatched paths fall through to Express (404/405).
 */
export function restApi(deps: { createContext: (req: Request) => Context }): RequestHandler {
  const handler = createOpenApiNodeHttpHandler({
    router: appRouter,
    // This handler is mounted on Express, so its requests are Express's.
    createContext: ({ req }) => deps.createContext(req as Request),
    responseMeta: ({ ctx, errors }) => ({
      // A body that is not JSON is a validation error, as in FastAPI; a success may be a 201.
      status: errors.some((e) => e.code === 'PARSE_ERROR')
        ? 422
        : errors.length === 0
          ? ctx?.response.status
          : undefined,
      headers: errorHeaders(errors),
    }),
    maxBodySize: MAX_BODY_BYTES,
    onError: ({ error, path, req }) => recordCallError(req, error, path),
  });
  return (req, res, next) => {
    sendErrorsAsFastApi(res);
    return handler(req, res, next);
  };
}

/**
 * trpc-to-openapi writes error bodies as `{message, code, data, issues}` in a single
 * `res.end(json)`. Clients of ZNYX expect FastAPI's `{"detail": ...}`, which our error
 * formatter already put in `data.detail`: this keeps exactly that and drops the rest.
 */
function sendErrorsAsFastApi(res: ServerResponse): void {
  const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (res.statusCode >= 400 && typeof chunk === 'string') {
      const detail = detailOf(chunk, res.statusCode);
      if (detail !== undefined) {
        const body = JSON.stringify({ detail });
        res.setHeader('Content-Length', Buffer.byteLength(body));
        return end(body);
      }
    }
    return (end as (...args: unknown[]) => ServerResponse)(chunk, ...rest);
  }) as ServerResponse['end'];
}

function detailOf(body: string, status: number): unknown {
  try {
    const detail = (JSON.parse(body) as { data?: { detail?: unknown } }).data?.detail;
    if (detail !== undefined) return detail;
  } catch {
    // not JSON: fall through
  }
  return status >= 500 ? INTERNAL_ERROR_MESSAGE : undefined;
}
