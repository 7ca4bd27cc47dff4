import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallFailures } from './errors';
import type { Logger } from './logger';

declare module 'node:http' {
  interface IncomingMessage {
    /** This request's id (X-Request-Id), set first thing by requestLog. */
    id?: string;
  }
}

/** A caller's id is echoed when it is short and plain; anything else gets a fresh UUID. */
const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/;

/** Bounded, so no request can make a long log line. */
const MAX_LOGGED_PATH = 256;

const ORIGINAL_METHOD = Symbol('original method');

/** For a request routed as another method (HEAD as GET): the method it came with, for its log line. */
export function rememberMethod(req: IncomingMessage, method: string): void {
  Object.assign(req, { [ORIGINAL_METHOD]: method });
}

/** The method a request came with (HEAD for one routed as GET). */
export function originalMethod(req: IncomingMessage): string | undefined {
  return (req as { [ORIGINAL_METHOD]?: string })[ORIGINAL_METHOD] ?? req.method;
}

/**
 * Each request gets its id (echoed as X-Request-Id) and, once answered or abandoned, one JSON
 * line: method, path without the query, status, time, and what failed in it (a call's
 * procedure and code; for a 500 or 503 the error, as safeError describes it). Never a header,
 * a query string or a body, so no credential or user content reaches the log.
 */
export function requestLog(logger: Logger): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    // Once per request, whichever of the app's entries saw it first.
    if (req.id !== undefined) return;
    const offered = req.headers['x-request-id'];
    req.id = typeof offered === 'string' && WELL_FORMED.test(offered) ? offered : randomUUID();
    res.setHeader('X-Request-Id', req.id);
    const startedAt = performance.now();
    res.once('close', () => logRequest(logger, req, res, performance.now() - startedAt));
  };
}

function logRequest(logger: Logger, req: IncomingMessage, res: ServerResponse, ms: number): void {
  const { locals, err } = res as ServerResponse & { locals?: { failures?: CallFailures }; err?: unknown };
  const failures = locals?.failures;
  const line = {
    req: {
      id: req.id,
      method: originalMethod(req),
      path: ((req as { originalUrl?: string }).originalUrl ?? req.url)
        ?.split('?', 1)[0]
        ?.slice(0, MAX_LOGGED_PATH),
    },
    res: { statusCode: res.statusCode },
    responseTime: Math.round(ms),
    ...(failures ? { failedCalls: failures.count, failures: failures.calls } : {}),
    ...(err === undefined ? {} : { err }),
  };
  if (!res.writableFinished) logger.warn(line, 'request aborted');
  else if (res.statusCode === 503) logger.warn(line, 'request completed');
  else if (err !== undefined || res.statusCode >= 500) logger.error(line, 'request errored');
  else logger.info(line, 'request completed');
}
