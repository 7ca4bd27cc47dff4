import { createZnyxClient, errorCode, errorMessage, type RouterOutputs, type ZnyxClient } from '@znyx/client';
import { createContext, type ReactNode, useContext } from 'react';

/** The Console calls the API it is served by (in development, through Vite's /trpc proxy). */
export const clientFor = (token: string): ZnyxClient =>
  createZnyxClient({ baseUrl: window.location.origin, token });

export type Whoami = RouterOutputs['auth']['whoami'];

interface Session {
  client: ZnyxClient;
  whoami: Whoami;
  /** For the REST calls the typed client cannot make (streamed import and export). */
  token: string;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ value, children }: { value: Session; children: ReactNode }) {
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The signed-in client and who it is; only inside the signed-in part of the app. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in session');
  return session;
}

/** Failures that another try will not fix: retrying them would only delay the message. */
export function isFinal(error: unknown): boolean {
  const code = errorCode(error);
  return (
    code !== undefined &&
    !['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE', 'TOO_MANY_REQUESTS'].includes(code)
  );
}

/** "Could not load the datasets: <what the API said>". */
export function describeError(what: string, error: unknown): string {
  const message = errorMessage(error).replace(/\.$/, '');
  switch (errorCode(error)) {
    case 'FORBIDDEN':
      return `Not allowed to ${what}: ${message}.`;
    case 'UNPROCESSABLE_CONTENT':
      return `The filters are not valid (${message}).`;
    case 'TOO_MANY_REQUESTS':
      return `Too many requests for this token: ${message}. Wait a moment and retry.`;
    case 'SERVICE_UNAVAILABLE':
      return `The API cannot reach its database right now: ${message}. Retry shortly.`;
    default:
      return `Could not ${what}: ${message}.`;
  }
}
