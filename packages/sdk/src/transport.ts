import { parseRetryAfter, ZnyxNetworkError } from './errors';

export type FetchLike = (input: Request) => Promise<Response>;
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface TransportOptions {
  /** Defaults to `globalThis.fetch`, looked up per request. */
  fetch?: FetchLike | undefined;
  /** Per attempt, covering the whole answer (headers and body); 0 disables it. */
  timeoutMs: number;
  /** Extra attempts for GET (and HEAD/OPTIONS) on 429, 503 or a network error. */
  retries: number;
  retryBaseDelayMs: number;
  /** Upper bound of one wait; a `Retry-After` longer than this is not waited for. */
  maxRetryDelayMs: number;
  sleep: Sleep;
  random: () => number;
}

const RETRY_STATUSES = new Set([429, 503]);
/** Only these may be repeated safely: a POST is never retried, whatever the answer. */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** The method and URL behind each answer the transport hands back (a rebuilt Response has neither). */
export const requestOf = new WeakMap<Response, { method: string; url: string }>();

/**
 * A `fetch` for openapi-fetch: a timeout per attempt, retries with jittered exponential backoff
 * (or the server's `Retry-After`) for idempotent requests, and every transport failure turned
 * into a {@link ZnyxNetworkError}. The body is read inside the timeout, so a server that sends
 * headers and then stalls times out too.
 */
export function createTransport(options: TransportOptions): FetchLike {
  return async (request) => {
    const attempts = IDEMPOTENT_METHODS.has(request.method)
      ? Math.max(0, Math.floor(options.retries)) + 1
      : 1;
    for (let attempt = 1; ; attempt++) {
      const isLast = attempt >= attempts;
      let response: Response;
      try {
        response = await attemptOnce(request, options);
      } catch (error) {
        if (isLast || !(error instanceof ZnyxNetworkError)) throw error;
        await options.sleep(backoff(attempt, options), request.signal);
        continue;
      }
      if (isLast || !RETRY_STATUSES.has(response.status)) return response;
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
      const delay = retryAfter === undefined ? backoff(attempt, options) : retryAfter * 1000;
      // The server asks for a longer pause than we are willing to block for: let the caller decide.
      if (delay > options.maxRetryDelayMs) return response;
      await options.sleep(delay, request.signal);
    }
  };
}

/** Full exponential step, jittered to 50–100 % of it so many clients do not retry in lockstep. */
function backoff(attempt: number, options: TransportOptions): number {
  const step = Math.min(options.maxRetryDelayMs, options.retryBaseDelayMs * 2 ** (attempt - 1));
  return Math.round(step * (0.5 + options.random() / 2));
}

async function attemptOnce(request: Request, options: TransportOptions): Promise<Response> {
  const callerSignal = request.signal;
  callerSignal.throwIfAborted();
  const controller = new AbortController();
  const forwardAbort = () => controller.abort(callerSignal.reason);
  callerSignal.addEventListener('abort', forwardAbort, { once: true });
  let timedOut = false;
  const timer =
    options.timeoutMs > 0 && Number.isFinite(options.timeoutMs)
      ? setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, options.timeoutMs)
      : undefined;
  try {
    // A request without a body (every retried one) can be re-issued as often as needed.
    const attemptRequest = new Request(request, { signal: controller.signal });
    const response = await (options.fetch ? options.fetch(attemptRequest) : globalThis.fetch(attemptRequest));
    const body = NULL_BODY_STATUSES.has(response.status) ? null : await response.arrayBuffer();
    const headers = new Headers(response.headers);
    // The body is decoded now: its encoding and length headers no longer describe it.
    headers.delete('content-encoding');
    if (body !== null) headers.set('content-length', String(body.byteLength));
    const answer = new Response(body, { status: response.status, statusText: response.statusText, headers });
    requestOf.set(answer, { method: request.method, url: request.url });
    return answer;
  } catch (error) {
    // The caller cancelled: their abort reason, as with fetch itself; never retried.
    if (callerSignal.aborted) throw callerSignal.reason;
    throw new ZnyxNetworkError({
      kind: timedOut ? 'timeout' : 'network',
      method: request.method,
      url: request.url,
      cause: error,
      timeoutMs: options.timeoutMs,
    });
  } finally {
    clearTimeout(timer);
    callerSignal.removeEventListener('abort', forwardAbort);
  }
}

export const defaultSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
