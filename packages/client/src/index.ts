import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
// A type import only: the router's code (and the server's dependencies) never reach a bundle.
import type { AppRouter } from '@znyx/api';

export type { AppRouter };
export { TRPCClientError };

/** Every procedure's input, e.g. `RouterInputs['datasets']['list']`. */
export type RouterInputs = inferRouterInputs<AppRouter>;
/** Every procedure's output, e.g. `RouterOutputs['datasets']['list']`. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export interface ZnyxClientOptions {
  /**
   * Where the API is served, without `/trpc`: `http://127.0.0.1:3000`, or in a browser page served
   * by the API itself, `window.location.origin`. A trailing slash is ignored.
   */
  baseUrl: string;
  /** A `znyx_rt_…`, `znyx_ci_…` or `znyx_admin_…` token, sent as `Authorization: Bearer <token>`. */
  token: string;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof globalThis.fetch;
}

/**
 * The typed tRPC client of the ZNYX Datasets API: `client.datasets.list.query({ org_id, … })`.
 * Calls made in the same tick are batched into one HTTP request.
 */
export function createZnyxClient({ baseUrl, token, fetch }: ZnyxClientOptions) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${baseUrl.replace(/\/+$/, '')}/trpc`,
        headers: () => ({ Authorization: `Bearer ${token}` }),
        ...(fetch ? { fetch } : {}),
      }),
    ],
  });
}

export type ZnyxClient = ReturnType<typeof createZnyxClient>;

/** An error the API answered, with its `data.code` (UNAUTHORIZED, FORBIDDEN, …) and `data.detail`. */
export type ZnyxClientError = TRPCClientError<AppRouter>;

export function isZnyxClientError(error: unknown): error is ZnyxClientError {
  return error instanceof TRPCClientError;
}

/** The tRPC code of an API error (`'UNAUTHORIZED'`, `'FORBIDDEN'`, …); undefined for anything else. */
export function errorCode(error: unknown): string | undefined {
  return isZnyxClientError(error) ? error.data?.code : undefined;
}

/**
 * What went wrong, in one readable sentence: the API's `detail` (validation problems joined as
 * "where: what"), or for a request that never got an API answer, the transport's message.
 */
export function errorMessage(error: unknown): string {
  if (isZnyxClientError(error)) {
    const detail = error.data?.detail;
    if (typeof detail === 'string') return detail;
    if (Array.isArray(detail)) {
      return detail.map((issue) => `${issue.loc.slice(1).join('.')}: ${issue.msg}`).join('; ');
    }
    if (!error.data) return `Could not reach the API (${error.message})`;
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
