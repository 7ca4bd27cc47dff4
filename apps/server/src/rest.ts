import type { IncomingMessage, ServerResponse } from 'node:http';
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
import type { RequestHandler } from 'express';
import { createOpenApiNodeHttpHandler } from 'trpc-to-openapi';
import { errorHeaders, MAX_BODY_BYTES, recordCallError } from './errors';

export interface RestDeps {
  createContext: (req: IncomingMessage, res: ServerResponse) => Context;
  /** Serialised GET answers, served again while their org's version stands; none: off. */
  answers?: AnswerCache;
  /** Part of every ETag, so a build that answers differently never matches an older tag. */
  revision: string;
}

export interface RestApi {
  /** The Express handlers of the REST paths. */
  handlers: RequestHandler[];
  /**
   * Whether a request's answer may be kept: a GET or HEAD under /v1, without an Origin (CORS is
   * Express's), whose very URL has a kept answer. Such a request is best served before Express
   * routes it: Express's own work on a request costs more than serving the answer.
   */
  keeps(req: IncomingMessage): boolean;
  /** Serves a request `keeps` took, or hands it to `fallBack` when its answer is no longer current. */
  serveKept(req: IncomingMessage, res: ServerResponse, fallBack: () => void): void;
}

/**
 * A request and its context point at each other through properties of their own, not through
 * WeakMaps: V8's scavenger keeps a WeakMap entry's value alive while the table is in old space,
 * so an entry per request made each request's objects outlive it and be promoted (scavenge time
 * per List, one connection: 38 µs with the two WeakMaps, 14 without; node --trace-gc).
 */
const CONTEXT = Symbol('context');
const REQUEST = Symbol('request');
type RestRequest = IncomingMessage & { [CONTEXT]?: RestContext };
type RestContext = Context & { [REQUEST]?: IncomingMessage };

/**
 * The documented REST paths (`/v1/...`), served from the same router through
 * trpc-to-openapi, behind the answer cache. Unmatched paths fall through to Express (404/405).
 *
 * A GET answer a procedure marks as cacheable (it names the org version it was read at) carries
 * an ETag of that version: `If-None-Match` with it is a 304. With the cache on, its body is
 * kept, and the next request for the same URL is answered from it, after the same credential,
 * budget and access checks, as long as the org's version is the same.
 */
export function restApi(deps: RestDeps): RestApi {
  /** The context of a request, made once: the cache and the procedure share its credential. */
  const contextOf = (req: RestRequest, res: ServerResponse) => {
    let ctx = req[CONTEXT];
    if (!ctx) {
      ctx = deps.createContext(req, res) as RestContext;
      ctx[REQUEST] = req;
      req[CONTEXT] = ctx;
    }
    return ctx;
  };
  const etagOf = (version: number) => answerEtag(version, deps.revision);

  const handler = createOpenApiNodeHttpHandler({
    router: appRouter,
    createContext: ({ req, res }) => {
      return contextOf(req, res as ServerResponse);
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
      const req = (ctx as RestContext | undefined)?.[REQUEST];
      return {
        status: req && matches(req.headers['if-none-match'], etag) ? 304 : ctx?.response.status,
        headers: { ETag: etag, 'Cache-Control': CACHE_CONTROL },
      };
    },
    maxBodySize: MAX_BODY_BYTES,
    onError: ({ error, path, req }) => recordCallError(req, error, path),
  });

  /** Once the procedure answered: its body, if it is a cacheable 200, for the next request. */
  const keepAnswer = (req: IncomingMessage, res: ServerResponse, answers: AnswerCache, key: string) => {
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      const cacheable = (req as RestRequest)[CONTEXT]?.response.cacheable;
      if (cacheable && res.statusCode === 200 && typeof chunk === 'string') {
        answers.set(key, { ...cacheable, body: Buffer.from(chunk) });
      }
      return end(chunk, ...rest);
    }) as ServerResponse['end'];
  };

  const keeps: RestApi['keeps'] = (req) =>
    deps.answers !== undefined &&
    (req.method === 'GET' || req.method === 'HEAD') &&
    req.headers.origin === undefined &&
    (req.url ?? '').startsWith('/v1/') &&
    deps.answers.get(req.url ?? '') !== undefined;

  const serveKept: RestApi['serveKept'] = (req, res, fallBack) => {
    const answers = deps.answers as AnswerCache;
    const key = req.url ?? '';
    currentAnswer(contextOf(req, res), answers, key).then(
      (answer) => {
        if (!answer) {
          fallBack();
          return;
        }
        const etag = etagOf(answer.version);
        res.setHeader('ETag', etag);
        res.setHeader('Cache-Control', CACHE_CONTROL);
        if (matches(req.headers['if-none-match'], etag)) {
          res.statusCode = 304;
          res.end();
          return;
        }
        res.setHeader('Content-Type', 'application/json');
        res.setHeader('Content-Length', answer.body.length);
        res.end(answer.body);
      },
      (error: unknown) => sendError(res, error),
    );
  };

  return {
    keeps,
    serveKept,
    handlers: [
      (req, res, next) => {
        // A GET whose answer is not kept yet: keep it, if it turns out cacheable.
        if (deps.answers && req.method === 'GET') keepAnswer(req, res, deps.answers, req.originalUrl);
        sendErrorsAsFastApi(res);
        return handler(req, res, next);
      },
    ],
  };
}

/** The ETag of an answer read at an org version, by a build of this revision. */
export const answerEtag = (version: number, revision: string) => `"${version}-${revision}"`;

/** Clients may keep an answer, for themselves only, and must ask whether it is still current. */
export const CACHE_CONTROL = 'private, no-cache';

/** `If-None-Match`: `*`, or a list of (weak or strong) tags, one of them this one. */
export function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/** An error of the cache's checks, in the REST shape every other error has. */
export function sendError(res: ServerResponse, error: unknown): void {
  const apiError = error instanceof ApiError ? error : undefined;
  for (const [name, value] of Object.entries((apiError && errorHeaders([apiError])) ?? {})) {
    res.setHeader(name, value);
  }
  if (!apiError) Object.assign(res, { err: error });
  const body = JSON.stringify({ detail: apiError ? clientDetail(apiError) : INTERNAL_ERROR_MESSAGE });
  res.statusCode = apiError ? getHTTPStatusCodeFromError(apiError) : 500;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
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
