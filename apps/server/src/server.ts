import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Store } from '@znyx/db';
import { createApp } from './app';
import type { Logger } from './logger';

export interface RunningServer {
  server: Server;
  /** e.g. http://127.0.0.1:3000 */
  url: string;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes the store. */
  close(graceMs?: number): Promise<void>;
}

export async function startServer(opts: {
  store: Store;
  logger: Logger;
  host: string;
  port: number;
}): Promise<RunningServer> {
  const app = createApp({ store: opts.store, logger: opts.logger });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(opts.port, opts.host, (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;

  let closing: Promise<void> | undefined;
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
