import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import {
  type AnswerCache,
  appRouter,
  createContext,
  type FailedCredentialLimiter,
  INTERNAL_ERROR_MESSAGE,
  type RateLimiter,
} from '@znyx/api';
import type { Store } from '@znyx/db';
import cors from 'cors';
import express, { type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import proxyAddr from 'proxy-addr';
import swaggerUi from 'swagger-ui-express';
import { errorHeaders, MAX_BATCH_CALLS, MAX_BODY_BYTES, recordCallError, setBudgetHeaders } from './errors';
import type { Logger } from './logger';
import { buildOpenApiDocument, docsDocument } from './openapi';
import { parseQueryString } from './query-string';
import { rememberMethod, requestLog } from './request-log';
import { restApi } from './rest';
import { transferRoutes } from './transfer';

export interface AppDeps {
  store: Store;
  logger: Logger;
  /** Per-token request budget; none means unlimited. */
  rateLimiter?: RateLimiter;
  /** Per-address budget of failed credentials; none means unlimited. */
  failedCredentialLimiter?: FailedCredentialLimiter;
  /** Express's `trust proxy`: which proxies' X-Forwarded-For names the client (default: none). */
  trustProxy?: boolean | number | string;
  /** Serialised GET answers, served again while their org's version stands; none: off. */
  answers?: AnswerCache;
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
  answers,
  consoleDir = DEFAULT_CONSOLE_DIR,
  corsOrigins = ['*'],
}: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxy);
  app.set('query parser', parseQueryString);
  const trusted = app.get('trust proxy fn') as Parameters<typeof proxyAddr>[1];
  // Also for requests answered before Express routes them (below): req.ip is Express's.
  const contextFor = (req: IncomingMessage, res: ServerResponse) =>
    createContext({
      store,
      headers: req.headers,
      requestId: req.id ?? '',
      clientAddress: proxyAddr(req, trusted),
      rateLimiter,
      failedCredentialLimiter,
      onBudget: (budget) => setBudgetHeaders(res, budget),
    });
  const openApiDocument = buildOpenApiDocument();

  const beginRequest = requestLog(logger);
  app.use((req, res, next) => {
    beginRequest(req, res);
    next();
  });
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
    onlyWithOrigin(
      cors({
        origin: corsOrigins.includes('*') ? '*' : corsOrigins,
        allowedHeaders: ['Authorization', 'X-API-Key', 'Content-Type', 'X-Request-Id', 'If-None-Match'],
        exposedHeaders: [
          'X-Request-Id',
          'Retry-After',
          'WWW-Authenticate',
          'ETag',
          'Content-Disposition',
          'RateLimit-Limit',
          'RateLimit-Remaining',
          'RateLimit-Reset',
        ],
        maxAge: 600,
      }),
    ),
  );

  app.use(
    '/trpc',
    headAsGet,
    createExpressMiddleware({
      router: appRouter,
      createContext: ({ req, res }) => contextFor(req, res),
      responseMeta: ({ errors }) => ({ headers: errorHeaders(errors) }),
      maxBodySize: MAX_BODY_BYTES,
      // Refused whole, before any call runs or a context exists.
      maxBatchSize: MAX_BATCH_CALLS,
      onError: ({ error, path, req }) => recordCallError(req, error, path),
    }),
  );

  // The document describes every answer: a build whose document differs answers differently.
  const revision = createHash('sha256').update(JSON.stringify(openApiDocument)).digest('hex').slice(0, 12);
  const rest = restApi({ createContext: contextFor, answers, revision });
  // Import and export stream their bodies: Express routes of their own, before trpc-to-openapi.
  app.use(headAsGet, transferRoutes({ createContext: contextFor, revision }));
  app.use(headAsGet, ...rest.handlers);

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
    // The request's log line (request-log.ts) carries it.
    if (status === undefined) Object.assign(res, { err });
    if (res.headersSent) return;
    res.status(status ?? 500).json({ detail: status ? STATUS_CODES[status] : INTERNAL_ERROR_MESSAGE });
  };
  app.use(onUnexpectedError);

  // A request whose answer is kept is served before Express routes it (rest.ts says why); when
  // the answer is no longer current, Express takes the request as any other.
  // (`app.handle` is Express's entry for every request, untyped in @types/express.)
  const expressApp = app as unknown as {
    handle: (req: IncomingMessage, res: ServerResponse, done?: unknown) => void;
  };
  const route = expressApp.handle.bind(app);
  expressApp.handle = (req, res, done) => {
    if (!rest.keeps(req)) return route(req, res, done);
    beginRequest(req, res);
    rest.serveKept(req, res, () => route(req, res, done));
  };
  return app;
}

/**
 * HEAD is answered wherever GET is: the adapters route it as GET, and node's response,
 * created for a HEAD request, sends GET's status and headers without a body.
 */
const headAsGet: RequestHandler = (req, _res, next) => {
  if (req.method === 'HEAD') {
    rememberMethod(req, 'HEAD');
    req.method = 'GET';
  }
  next();
};

/** CORS concerns browsers, which always send Origin: requests without one skip the work. */
const onlyWithOrigin =
  (middleware: RequestHandler): RequestHandler =>
  (req, res, next) =>
    req.headers.origin === undefined ? next() : middleware(req, res, next);

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
