import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
  const app = createApp(opts);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(opts.port, opts.host, (error?: Error) => (error ? reject(error) : resolve(s)));
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
