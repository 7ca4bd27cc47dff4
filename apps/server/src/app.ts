import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import { appRouter, createContext, INTERNAL_ERROR_MESSAGE, type RateLimiter } from '@znyx/api';
import type { Store } from '@znyx/db';
import cors from 'cors';
import express, { type ErrorRequestHandler, type Request } from 'express';
import { pinoHttp } from 'pino-http';
import swaggerUi from 'swagger-ui-express';
import { errorHeaders, logCallError, MAX_BODY_BYTES } from './errors';
import type { Logger } from './logger';
import { buildOpenApiDocument } from './openapi';
import { assignRequestId } from './request-id';
import { restApi } from './rest';

export interface AppDeps {
  store: Store;
  logger: Logger;
  /** Per-token request budget; none means unlimited. */
  rateLimiter?: RateLimiter;
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
  consoleDir = DEFAULT_CONSOLE_DIR,
  corsOrigins = ['*'],
}: AppDeps): express.Express {
  const app = express();
  const contextFor = (req: IncomingMessage) =>
    createContext({ store, headers: req.headers, requestId: String(req.id), rateLimiter });
  app.disable('x-powered-by');
  const openApiDocument = buildOpenApiDocument();

  app.use(
    pinoHttp({
      logger,
      genReqId: assignRequestId,
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );

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
    swaggerUi.setup(openApiDocument, { customSiteTitle: 'ZNYX Datasets API' }),
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
    createExpressMiddleware({
      router: appRouter,
      createContext: ({ req }) => contextFor(req),
      responseMeta: ({ errors }) => ({ headers: errorHeaders(errors) }),
      maxBodySize: MAX_BODY_BYTES,
      onError: ({ error, path, req }) => logCallError(logger, { error, path, requestId: String(req.id) }),
    }),
  );

  app.use(restApi({ createContext: contextFor, logger }));

  const allowedMethods = methodsByPath(openApiDocument);
  app.use((req, res) => {
    const allowed = allowedMethods(req.path);
    if (allowed) {
      res.status(405).setHeader('Allow', allowed).json({ detail: 'Method Not Allowed' });
      return;
    }
    res.status(404).json({ detail: 'Not Found' });
  });

  const onUnexpectedError: ErrorRequestHandler = (err, req: Request, res, _next) => {
    logger.error({ requestId: req.id, err }, 'unhandled error');
    if (res.headersSent) return;
    res.status(500).json({ detail: INTERNAL_ERROR_MESSAGE });
  };
  app.use(onUnexpectedError);
  return app;
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
      .map((m) => m.toUpperCase())
      .join(', '),
  }));
  return (path: string) => routes.find((r) => r.pattern.test(path))?.methods;
}
