import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorCode, errorMessage } from '@znyx/client';
import { describeError, useSession } from './api';
import { type CatalogEntry, formatCount, SOURCE_LABEL } from './format';
import { BASE, followLink, searchOf } from './location';

/** Everything the org can install (`datasets.catalog`), with an Install button per missing entry. */
export function CatalogView() {
  const { client, whoami } = useSession();
  const input = { org_id: whoami.org.id, limit: 200 };
  const catalog = useQuery({
    queryKey: ['datasets.catalog', input],
    queryFn: () => client.datasets.catalog.query(input),
  });
  const canInstall = whoami.token.scopes.includes('write');

  return (
    <>
      <div className="page-head">
        <h1>Catalog</h1>
        <p className="muted">
          ZNYX samples and published industry benchmarks. Installing one adds it to {whoami.org.name}'s
          datasets; a benchmark keeps its publisher's rows where they are: ZNYX stores its metadata and
          published size.
        </p>
        {!canInstall && (
          <p className="notice">
            This {whoami.token.kind} token can browse the catalog but not install from it: installing needs a
            CI or admin token.
          </p>
        )}
      </div>

      {catalog.isError ? (
        <div className="state error" role="alert">
          <p>{describeError('load the catalog', catalog.error)}</p>
          <button type="button" onClick={() => catalog.refetch()}>
            Retry
          </button>
        </div>
      ) : !catalog.data ? (
        <p className="state" role="status">
          Loading the catalog…
        </p>
      ) : (
        <div className="table-wrap">
          <table aria-busy={catalog.isFetching}>
            <caption className="sr-only">Catalog entries</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Category</th>
                <th scope="col">Source</th>
                <th scope="col" className="num">
                  Published size
                </th>
                <th scope="col">Licence</th>
                <th scope="col">
                  <span className="sr-only">Install</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {catalog.data.entries.map((entry) => (
                <tr key={entry.id}>
                  <th scope="row">
                    <span className="name">
                      {entry.paper_url ? (
                        <a href={entry.paper_url} target="_blank" rel="noreferrer">
                          {entry.name}
                        </a>
                      ) : (
                        entry.name
                      )}
                    </span>
                    <span className="description">
                      {entry.authors}, {entry.year}
                    </span>
                  </th>
                  <td>
                    <code>{entry.category}</code>
                  </td>
                  <td className="nowrap">{SOURCE_LABEL[entry.source]}</td>
                  <td className="num">{formatCount(entry.sample_count)}</td>
                  <td>{entry.license ?? '—'}</td>
                  <td className="action">
                    <InstallCell entry={entry} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function InstallCell({ entry }: { entry: CatalogEntry }) {
  const { client, whoami } = useSession();
  const queryClient = useQueryClient();
  const install = useMutation({
    mutationFn: () => client.datasets.install.mutate({ org_id: whoami.org.id, catalog_id: entry.id }),
    // The catalog says "installed" now, and the datasets list has one more.
    onSuccess: () => queryClient.invalidateQueries(),
  });

  if (entry.installed || install.isSuccess) {
    const href = `${BASE}${searchOf({ source: entry.source, categories: [], q: entry.name, page: 1 })}`;
    return (
      <span className="installed">
        <span aria-hidden="true">✓</span> Installed{' '}
        <a href={href} onClick={(event) => followLink(event, href)}>
          View<span className="sr-only"> {entry.name} in datasets</span>
        </a>
      </span>
    );
  }
  const problem = install.isError
    ? errorCode(install.error) === 'FORBIDDEN'
      ? `This ${whoami.token.kind} token cannot install datasets (${errorMessage(install.error)}). Sign in with a CI or admin token to install.`
      : describeError(`install ${entry.name}`, install.error)
    : undefined;
  return (
    <>
      <button type="button" onClick={() => install.mutate()} disabled={install.isPending}>
        {install.isPending ? 'Installing…' : 'Install'}
        <span className="sr-only"> {entry.name}</span>
      </button>
      {problem && (
        <p className="error inline" role="alert">
          {problem}
        </p>
      )}
    </>
  );
}
