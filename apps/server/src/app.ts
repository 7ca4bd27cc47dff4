import { existsSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import {
  appRouter,
  createContext,
  type FailedCredentialLimiter,
  INTERNAL_ERROR_MESSAGE,
  type RateLimiter,
} from '@znyx/api';
import type { Store } from '@znyx/db';
import cors from 'cors';
import express, { type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import swaggerUi from 'swagger-ui-express';
import { type CallFailures, errorHeaders, MAX_BATCH_CALLS, MAX_BODY_BYTES, recordCallError } from './errors';
import { type Logger, safeError } from './logger';
import { buildOpenApiDocument, docsDocument } from './openapi';
import { parseQueryString } from './query-string';
import { assignRequestId } from './request-id';
import { restApi } from './rest';

export interface AppDeps {
  store: Store;
  logger: Logger;
  /** Per-token request budget; none means unlimited. */
  rateLimiter?: RateLimiter;
  /** Per-address budget of failed credentials; none means unlimited. */
  failedCredentialLimiter?: FailedCredentialLimiter;
  /** Express's `trust proxy`: which proxies' X-Forwarded-For names the client (default: none). */
  trustProxy?: boolean | number | string;
  /** The built Console, served at /console when it holds an index.html (default: apps/console/dist). */
  consoleDir?: string;
  /**
   * Origins allowed to call the REST paths from a browser (`['*']`: any). Credentials are
   * tokens sent explicitly, never cookies, so no origin gains anything a script could not send.
   */
  corsOrigins?: string[];
}

const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../console/dist', import.meta.url));

/** The whole HTTP surface. Wiring only: every behaviour lives in packages/api. */
export function createApp({
  store,
  logger,
  rateLimiter,
  failedCredentialLimiter,
  trustProxy = false,
  consoleDir = DEFAULT_CONSOLE_DIR,
  corsOrigins = ['*'],
}: AppDeps): express.Express {
  const app = express();
  const contextFor = (req: Request) =>
    createContext({
      store,
      headers: req.headers,
      requestId: String(req.id),
      clientAddress: req.ip ?? 'unknown',
      rateLimiter,
      failedCredentialLimiter,
    });
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxy);
  app.set('query parser', parseQueryString);
  const openApiDocument = buildOpenApiDocument();

  // One line per request: its method, path, status and time, and what failed in it.
  app.use(
    pinoHttp({
      logger,
      genReqId: assignRequestId,
      customLogLevel: (_req, res, err) =>
        res.statusCode === 503 ? 'warn' : err || res.statusCode >= 500 ? 'error' : 'info',
      customProps: (_req, res) => {
        const failures = (res as { locals?: { failures?: CallFailures } }).locals?.failures;
        return failures ? { failedCalls: failures.count, failures: failures.calls } : {};
      },
      // Our serializers get the raw objects (pino's own would drop an error's cause).
      wrapSerializers: false,
      serializers: {
        req: (req: IncomingMessage) => ({
          id: req.id,
          method: methodAsSent(req) ?? req.method,
          // Bounded, so no request can make a long log line.
          path: req.url?.split('?')[0]?.slice(0, MAX_LOGGED_PATH),
        }),
        res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
        err: safeError,
      },
    }),
  );
  app.use(rejectMalformedTargets);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await store.ping();
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ detail: 'Database unavailable' });
    }
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  app.use(
    '/docs',
    swaggerUi.serve,
    swaggerUi.setup(docsDocument(openApiDocument), { customSiteTitle: 'ZNYX Datasets API' }),
  );

  if (existsSync(join(consoleDir, 'index.html'))) app.use('/console', consoleApp(consoleDir));

  app.use(
    '/v1',
    cors({
      origin: corsOrigins.includes('*') ? '*' : corsOrigins,
      allowedHeaders: ['Authorization', 'X-API-Key', 'Content-Type', 'X-Request-Id'],
      exposedHeaders: ['X-Request-Id', 'Retry-After', 'WWW-Authenticate'],
      maxAge: 600,
    }),
  );

  app.use(
    '/trpc',
    headAsGet,
    createExpressMiddleware({
      router: appRouter,
      createContext: ({ req }) => contextFor(req),
      responseMeta: ({ errors }) => ({ headers: errorHeaders(errors) }),
      maxBodySize: MAX_BODY_BYTES,
      // Refused whole, before any call runs or a context exists.
      maxBatchSize: MAX_BATCH_CALLS,
      onError: ({ error, path, req }) => recordCallError(req, error, path),
    }),
  );

  app.use(headAsGet, restApi({ createContext: contextFor }));

  const allowedMethods = methodsByPath(openApiDocument);
  app.use((req, res) => {
    const allowed = allowedMethods(req.path);
    if (allowed) {
      res.status(405).setHeader('Allow', allowed).json({ detail: 'Method Not Allowed' });
      return;
    }
    res.status(404).json({ detail: 'Not Found' });
  });

  // Express's own 4xx (a body it could not read, a path it could not decode) keep their status.
  const onUnexpectedError: ErrorRequestHandler = (err, _req: Request, res, _next) => {
    const status = clientErrorStatus(err);
    // The request's log line (pino-http) carries it.
    if (status === undefined) Object.assign(res, { err });
    if (res.headersSent) return;
    res.status(status ?? 500).json({ detail: status ? STATUS_CODES[status] : INTERNAL_ERROR_MESSAGE });
  };
  app.use(onUnexpectedError);
  return app;
}

const MAX_LOGGED_PATH = 256;
const ORIGINAL_METHOD = Symbol('original method');

/**
 * HEAD is answered wherever GET is: the adapters route it as GET, and node's response,
 * created for a HEAD request, sends GET's status and headers without a body.
 */
const headAsGet: RequestHandler = (req, _res, next) => {
  if (req.method === 'HEAD') {
    Object.assign(req, { [ORIGINAL_METHOD]: 'HEAD' });
    req.method = 'GET';
  }
  next();
};

const methodAsSent = (req: object): string | undefined =>
  (req as { [ORIGINAL_METHOD]?: string })[ORIGINAL_METHOD];

/**
 * Only origin-form targets (`/path?query`) reach the routes: `*`, `//…` or an absolute URL is a
 * 400 here rather than an exception in an adapter that parses the URL. (Bad percent-encoding in
 * a path parameter reaches the procedure, which answers the 422 of its `loc`.)
 */
const rejectMalformedTargets: RequestHandler = (req, res, next) => {
  const target = req.url;
  if (target.startsWith('/') && !target.startsWith('//')) {
    next();
    return;
  }
  res.status(400).json({ detail: 'Bad Request: malformed request target' });
};

/** The status of an error Express or its middleware raised for a bad request, if it is one. */
function clientErrorStatus(err: unknown): number | undefined {
  const status = (err as { status?: unknown; statusCode?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

/**
 * The Console's static build: hashed assets cached for good, index.html never, and any other
 * path without a file extension answered with index.html (the app routes on the client).
 */
function consoleApp(dir: string): express.Router {
  const consoleRouter = express.Router();
  consoleRouter.use((req, res, next) => {
    // `/console` → `/console/`, so the page's URL matches Vite's base.
    if (req.originalUrl === '/console' || req.originalUrl.startsWith('/console?')) {
      res.redirect(301, `/console/${req.originalUrl.slice('/console'.length)}`);
      return;
    }
    next();
  });
  consoleRouter.use(
    express.static(dir, {
      redirect: false,
      setHeaders: (res, filePath) => {
        const immutable = filePath.startsWith(join(dir, 'assets'));
        res.setHeader('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
  consoleRouter.get('/{*path}', (req, res, next) => {
    if (/\.[a-z0-9]+$/i.test(req.path)) {
      next();
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile('index.html', { root: dir });
  });
  return consoleRouter;
}

/** For a documented path called with another method: the methods it does allow. */
function methodsByPath(document: ReturnType<typeof buildOpenApiDocument>) {
  const routes = Object.entries(document.paths ?? {}).map(([template, item]) => ({
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
    methods: Object.keys(item as object)
      .flatMap((m) => (m === 'get' ? ['GET', 'HEAD'] : [m.toUpperCase()]))
      .join(', '),
  }));
  return (path: string) => routes.find((r) => r.pattern.test(path))?.methods;
}
