/**
 * Test support: records every response a server in this test process sends, exactly as it
 * leaves (status, headers, body bytes), so `contract-setup.ts` can check each one against
 * openapi.json after every test. The app knows nothing of it: it is a `request` listener put
 * on the node http.Server, wrapping that response's `write`/`end`.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { expect } from 'vitest';

export interface RecordedResponse {
  method: string;
  url: string;
  status: number;
  headers: Record<string, unknown>;
  body: Buffer;
  /** Over MAX_RECORDED_BODY: the body was not kept, so it is not checked. */
  truncated: boolean;
  /** The test that was running when the request arrived. */
  testName?: string;
}

const MAX_RECORDED_BODY = 32 * 1024 * 1024;

interface RecorderState {
  /** Set by contract-setup.ts: someone checks what is recorded. */
  checking: boolean;
  pending: RecordedResponse[];
  servers: WeakSet<Server>;
}

// On globalThis, so that every copy of this module in the process shares one record.
const STATE_KEY = Symbol.for('znyx.response-recorder');
const shared = globalThis as Record<symbol, RecorderState | undefined>;
shared[STATE_KEY] ??= { checking: false, pending: [], servers: new WeakSet() };
const state: RecorderState = shared[STATE_KEY];

/** Starts recording the responses of this server (once per server). */
export function recordResponses(server: Server): void {
  if (state.servers.has(server)) return;
  state.servers.add(server);
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => record(req, res));
}

/** The responses recorded since the last call. */
export function takeRecordedResponses(): RecordedResponse[] {
  return state.pending.splice(0);
}

export function markResponsesChecked(): void {
  state.checking = true;
}

/** Whether contract-setup.ts runs in this process (it is in the package's vitest setupFiles). */
export function responsesAreChecked(): boolean {
  return state.checking;
}

function record(req: IncomingMessage, res: ServerResponse): void {
  // Taken now: routers rewrite req.url as they mount.
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  const testName = expect.getState().currentTestName;
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  let ended = false;
  const keep = (chunk: unknown, encoding: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    const buffer = Buffer.isBuffer(chunk)
      ? chunk
      : chunk instanceof Uint8Array
        ? Buffer.from(chunk)
        : Buffer.from(String(chunk), typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
    size += buffer.length;
    if (size > MAX_RECORDED_BODY) truncated = true;
    else chunks.push(buffer);
  };
  const write = res.write;
  const end = res.end;
  res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    keep(chunk, rest[0]);
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as ServerResponse['write'];
  res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    if (ended) return (end as (...args: unknown[]) => ServerResponse).call(this, chunk, ...rest);
    ended = true;
    keep(chunk, rest[0]);
    const result = (end as (...args: unknown[]) => ServerResponse).call(this, chunk, ...rest);
    // Status and headers are final once end() ran; the client has not seen the last byte yet.
    state.pending.push({
      method,
      url,
      status: res.statusCode,
      headers: res.getHeaders(),
      body: truncated ? Buffer.alloc(0) : Buffer.concat(chunks),
      truncated,
      testName,
    });
    return result;
  } as ServerResponse['end'];
}
