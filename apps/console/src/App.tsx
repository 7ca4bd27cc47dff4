import { MutationCache, QueryCache, QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { errorCode, errorMessage } from '@znyx/client';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { clientFor, describeError, isFinal, SessionProvider } from './api';
import { CatalogView } from './CatalogView';
import { DatasetPage, NewDatasetForm } from './DatasetPage';
import { DatasetsView, datasetsHref } from './DatasetsView';
import {
  BASE,
  datasetIdOf,
  followLink,
  navigate,
  parseFilters,
  pathOf,
  searchOf,
  useLocation,
  type View,
  viewOf,
} from './location';
import { SignIn } from './SignIn';
import { clearToken, readToken, saveToken } from './session';
import { TokensView } from './TokensView';

const VIEW_TITLE: Record<View, string> = {
  datasets: 'Datasets',
  catalog: 'Catalog',
  tokens: 'Tokens',
  dataset: 'Dataset',
  new: 'New dataset',
};

export const TOKEN_INVALID = 'Your token is no longer valid — sign in again';

export function App() {
  const [token, setToken] = useState(readToken);
  const [notice, setNotice] = useState<string>();
  // The query client's callbacks outlive renders: they read the live session through refs.
  const tokenRef = useRef(token);
  tokenRef.current = token;
  const onUnauthorized = useRef<(error: unknown) => void>(() => {});

  const [queryClient] = useState(() => {
    const onError = (error: unknown) => {
      if (tokenRef.current && errorCode(error) === 'UNAUTHORIZED') onUnauthorized.current(error);
    };
    return new QueryClient({
      queryCache: new QueryCache({ onError }),
      mutationCache: new MutationCache({ onError }),
      defaultOptions: {
        queries: {
          retry: (failures, error) => !isFinal(error) && failures < 2,
          staleTime: 10_000,
        },
      },
    });
  });

  const signOut = useCallback(
    (message?: string) => {
      clearToken();
      tokenRef.current = undefined;
      setToken(undefined);
      setNotice(message);
      queryClient.clear();
    },
    [queryClient],
  );
  onUnauthorized.current = (error) => signOut(`${TOKEN_INVALID} (${errorMessage(error)}).`);

  // Only the known filter keys stay in the URL: anything else (a pasted `?token=` included) goes.
  useEffect(() => {
    const { pathname, search } = window.location;
    navigate(`${pathname}${searchOf(parseFilters(search))}`, { replace: true });
  }, []);

  return (
    <QueryClientProvider client={queryClient}>
      {token ? (
        <Shell token={token} onSignOut={() => signOut()} />
      ) : (
        <SignIn
          notice={notice}
          onSignedIn={(newToken, whoami) => {
            saveToken(newToken);
            queryClient.clear();
            queryClient.setQueryData(['auth.whoami'], whoami);
            setNotice(undefined);
            setToken(newToken);
          }}
        />
      )}
    </QueryClientProvider>
  );
}

function Shell({ token, onSignOut }: { token: string; onSignOut: () => void }) {
  const client = useMemo(() => clientFor(token), [token]);
  const whoami = useQuery({ queryKey: ['auth.whoami'], queryFn: () => client.auth.whoami.query({}) });
  const location = useLocation();
  const view = viewOf(location.pathname);

  useEffect(() => {
    document.title = `${VIEW_TITLE[view]} · ZNYX Console`;
  }, [view]);

  if (!whoami.data) {
    return (
      <main className="centered">
        {whoami.isError ? (
          <div className="card" role="alert">
            <p>{describeError('check your token', whoami.error)}</p>
            <div className="actions">
              <button type="button" onClick={() => whoami.refetch()}>
                Retry
              </button>
              <button type="button" className="secondary" onClick={onSignOut}>
                Sign out
              </button>
            </div>
          </div>
        ) : (
          <p role="status">Checking your token…</p>
        )}
      </main>
    );
  }

  const { org, token: me } = whoami.data;
  const admin = me.scopes.includes('admin');
  return (
    <SessionProvider value={{ client, whoami: whoami.data, token }}>
      <header className="topbar">
        <a className="brand" href={BASE} onClick={(event) => followLink(event, datasetsHref())}>
          ZNYX <span className="accent">Console</span>
        </a>
        <nav aria-label="Main">
          <NavLink
            view="datasets"
            current={view === 'dataset' || view === 'new' ? 'datasets' : view}
            href={datasetsHref()}
          >
            Datasets
          </NavLink>
          <NavLink view="catalog" current={view} href={pathOf('catalog')}>
            Catalog
          </NavLink>
          {admin && (
            <NavLink view="tokens" current={view} href={pathOf('tokens')}>
              Tokens
            </NavLink>
          )}
        </nav>
        <div className="account">
          <span className="org" title={`Organization ${org.id}`}>
            {org.name}
          </span>
          <span className="badge" title={`Token ${me.prefix}…, scopes: ${me.scopes.join(', ')}`}>
            {me.kind} token
          </span>
          <button type="button" className="secondary" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main className="page">
        {view === 'catalog' ? (
          <CatalogView />
        ) : view === 'tokens' ? (
          <TokensView />
        ) : view === 'new' ? (
          <NewDatasetForm />
        ) : view === 'dataset' ? (
          <DatasetPage id={datasetIdOf(location.pathname) ?? ''} />
        ) : (
          <DatasetsView />
        )}
      </main>
    </SessionProvider>
  );
}

function NavLink(props: { view: View; current: View; href: string; children: string }) {
  const active = props.view === props.current;
  return (
    <a
      href={props.href}
      aria-current={active ? 'page' : undefined}
      onClick={(event) => followLink(event, props.href)}
    >
      {props.children}
    </a>
  );
}
