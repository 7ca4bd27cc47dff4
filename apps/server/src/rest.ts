import type { ServerResponse } from 'node:http';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import {
  type AnswerCache,
  ApiError,
  appRouter,
  type Context,
  clientDetail,
  currentAnswer,
  INTERNAL_ERROR_MESSAGE,
} from '@znyx/api';
import type { Request, RequestHandler, Response } from 'express';
import { createOpenApiNodeHttpHandler } from 'trpc-to-openapi';
import { errorHeaders, MAX_BODY_BYTES, recordCallError } from './errors';

export interface RestDeps {
  createContext: (req: Request) => Context;
  /** Serialised GET answers, served again while their org's version stands; none: off. */
  answers?: AnswerCache;
  /** Part of every ETag, so a build that answers differently never matches an older tag. */
  revision: string;
}

/**
 * The documented REST paths (`/v1/...`), served from the same router through
 * trpc-to-openapi, behind the answer cache. Unmatched paths fall through to Express (404/405).
 *
 * A GET answer a procedure marks as cacheable (it names the org version it was read at) carries
 * an ETag of that version: `If-None-Match` with it is a 304. With the cache on, its body is
 * kept, and the next request for the same URL is answered from it, after the same credential,
 * budget and access checks, as long as the org's version is the same.
 */
export function restApi(deps: RestDeps): RequestHandler[] {
  /** The context of a request, made once: the cache and the procedure share its credential. */
  const contexts = new WeakMap<Request, Context>();
  const contextOf = (req: Request) => {
    let ctx = contexts.get(req);
    if (!ctx) {
      ctx = deps.createContext(req);
      contexts.set(req, ctx);
    }
    return ctx;
  };
  const etagOf = (version: number) => `"${version}-${deps.revision}"`;
  const requests = new WeakMap<Context, Request>();

  const handler = createOpenApiNodeHttpHandler({
    router: appRouter,
    // This handler is mounted on Express, so its requests are Express's.
    createContext: ({ req }) => {
      const ctx = contextOf(req as Request);
      requests.set(ctx, req as Request);
      return ctx;
    },
    responseMeta: ({ ctx, errors }) => {
      if (errors.length > 0) {
        // A body that is not JSON is a validation error, as in FastAPI.
        const parseError = errors.some((e) => e.code === 'PARSE_ERROR');
        return { status: parseError ? 422 : undefined, headers: errorHeaders(errors) };
      }
      const cacheable = ctx?.response.cacheable;
      if (!cacheable) return { status: ctx?.response.status };
      const etag = etagOf(cacheable.version);
      const req = ctx ? requests.get(ctx) : undefined;
      return {
        status: req && matches(req.headers['if-none-match'], etag) ? 304 : ctx?.response.status,
        headers: { ETag: etag, 'Cache-Control': CACHE_CONTROL },
      };
    },
    maxBodySize: MAX_BODY_BYTES,
    onError: ({ error, path, req }) => recordCallError(req, error, path),
  });

  const fromCache: RequestHandler = async (req, res, next) => {
    const { answers } = deps;
    if (!answers || req.method !== 'GET') {
      next();
      return;
    }
    const key = req.originalUrl;
    let answer: Awaited<ReturnType<typeof currentAnswer>>;
    try {
      answer = await currentAnswer(contextOf(req), answers, key);
    } catch (error) {
      sendError(res, error);
      return;
    }
    if (!answer) {
      keepAnswer(req, res, answers, key);
      next();
      return;
    }
    const etag = etagOf(answer.version);
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', CACHE_CONTROL);
    if (matches(req.headers['if-none-match'], etag)) {
      res.status(304).end();
      return;
    }
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Content-Length', answer.body.length);
    res.end(answer.body);
  };

  /** Once the procedure answered: its body, if it is a cacheable 200, for the next request. */
  const keepAnswer = (req: Request, res: ServerResponse, answers: AnswerCache, key: string) => {
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      const cacheable = contexts.get(req)?.response.cacheable;
      if (cacheable && res.statusCode === 200 && typeof chunk === 'string') {
        answers.set(key, { ...cacheable, body: Buffer.from(chunk) });
      }
      return end(chunk, ...rest);
    }) as ServerResponse['end'];
  };

  return [
    fromCache,
    (req, res, next) => {
      sendErrorsAsFastApi(res);
      return handler(req, res, next);
    },
  ];
}

/** Clients may keep an answer, for themselves only, and must ask whether it is still current. */
const CACHE_CONTROL = 'private, no-cache';

/** `If-None-Match`: `*`, or a list of (weak or strong) tags, one of them this one. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/** An error of the cache's checks, in the REST shape every other error has. */
function sendError(res: Response, error: unknown): void {
  const apiError = error instanceof ApiError ? error : undefined;
  const status = apiError ? getHTTPStatusCodeFromError(apiError) : 500;
  for (const [name, value] of Object.entries((apiError && errorHeaders([apiError])) ?? {})) {
    res.setHeader(name, value);
  }
  if (!apiError) Object.assign(res, { err: error });
  res.status(status).json({ detail: apiError ? clientDetail(apiError) : INTERNAL_ERROR_MESSAGE });
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
