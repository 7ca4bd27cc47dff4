import { createServer, IncomingMessage, type Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import { type AppDeps, createApp } from './app';

export interface RunningServer {
  server: Server;
  /** e.g. http://127.0.0.1:3000 */
  url: string;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes the store. */
  close(graceMs?: number): Promise<void>;
}

export async function startServer(
  opts: AppDeps & {
    host: string;
    port: number;
  },
): Promise<RunningServer> {
  const server = createHttpServer(createApp(opts));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;

  let closing: Promise<void> | undefined;
  // While closing, keep-alive connections must not hold the process open until their idle
  // timeout: new requests are answered with `Connection: close`, and a connection whose
  // in-flight request just finished is closed as soon as it is idle.
  server.prependListener('request', (_req, res) => {
    if (closing) res.shouldKeepAlive = false;
    res.once('finish', () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });
  const close = (graceMs = 10_000) => {
    closing ??= new Promise<void>((resolve) => {
      const force = setTimeout(() => server.closeAllConnections(), graceMs);
      force.unref();
      server.close(() => {
        clearTimeout(force);
        resolve();
      });
      server.closeIdleConnections();
    }).then(() => opts.store.close());
    return closing;
  };
  return { server, url: `http://${host}:${port}`, close };
}

/**
 * The HTTP server of an Express app, its requests and responses made with the app's prototypes
 * from the start.
 *
 * Express otherwise gives every request and response its prototypes as they enter
 * (`Object.setPrototypeOf` in `app.handle`), and V8 then kept each request's objects alive
 * through the next scavenge: under load every request's objects were promoted (about 420 KB
 * per scavenge) and left to full mark-compacts. Here the server makes them as instances of
 * classes whose prototypes are the app's, so Express's `setPrototypeOf` changes nothing.
 * Call it once per app, before the app serves.
 */
export function createHttpServer(app: express.Express): Server {
  class AppRequest extends IncomingMessage {}
  class AppResponse extends ServerResponse {}
  // The classes' prototypes take the place of the app's, and inherit everything from them.
  Object.setPrototypeOf(AppRequest.prototype, app.request);
  Object.setPrototypeOf(AppResponse.prototype, app.response);
  app.request = AppRequest.prototype as express.Request;
  app.response = AppResponse.prototype as express.Response;
  return createServer({ IncomingMessage: AppRequest, ServerResponse: AppResponse }, app);
}
