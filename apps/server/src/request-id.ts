import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A caller's id is echoed when it is short and plain; anything else gets a fresh UUID. */
const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/;

export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const offered = req.headers['x-request-id'];
  const id = typeof offered === 'string' && WELL_FORMED.test(offered) ? offered : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}
