import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { RouterInputs, RouterOutputs } from '@znyx/client';
import { type FormEvent, useState } from 'react';
import { describeError, useSession } from './api';
import { type ApiToken, formatDate, formatDateTime } from './format';

type Kind = RouterInputs['tokens']['create']['kind'];
type CreatedToken = RouterOutputs['tokens']['create'];

const KINDS: { kind: Kind; label: string }[] = [
  { kind: 'runtime', label: 'Runtime (read)' },
  { kind: 'ci', label: 'CI (read, write)' },
  { kind: 'admin', label: 'Admin (read, write, admin)' },
];

const LIFETIMES: { label: string; seconds: number | null }[] = [
  { label: 'Never', seconds: null },
  { label: '1 day', seconds: 86_400 },
  { label: '30 days', seconds: 30 * 86_400 },
  { label: '90 days', seconds: 90 * 86_400 },
  { label: '1 year', seconds: 365 * 86_400 },
];

const TOKENS_SHOWN = 200;

/** The org's tokens (`tokens.list`): create one (its secret shown once, to copy), revoke one. Admin tokens only. */
export function TokensView() {
  const { client, whoami } = useSession();
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<CreatedToken>();
  const admin = whoami.token.scopes.includes('admin');
  const input = { org_id: whoami.org.id, limit: TOKENS_SHOWN };
  const tokens = useQuery({
    queryKey: ['tokens.list', input],
    queryFn: () => client.tokens.list.query(input),
    enabled: admin,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['tokens.list'] });

  if (!admin) {
    return (
      <div className="page-head">
        <h1>Tokens</h1>
        <p className="notice">
          Managing tokens needs an admin token; this is a {whoami.token.kind} token. Sign in with an admin
          token of {whoami.org.name}.
        </p>
      </div>
    );
  }

  return (
    <>
      <div className="page-head">
        <h1>Tokens</h1>
        <p className="muted">
          {whoami.org.name}'s API tokens. A new token's secret is shown once, when it is created: copy it
          then. A revoked token stops working on every server within a second.
        </p>
      </div>

      {created ? (
        <NewSecret token={created} onDone={() => setCreated(undefined)} />
      ) : (
        <CreateToken
          onCreated={(token) => {
            setCreated(token);
            refresh();
          }}
        />
      )}

      {tokens.isError ? (
        <div className="state error" role="alert">
          <p>{describeError('load the tokens', tokens.error)}</p>
          <button type="button" onClick={() => tokens.refetch()}>
            Retry
          </button>
        </div>
      ) : !tokens.data ? (
        <p className="state" role="status">
          Loading the tokens…
        </p>
      ) : (
        <>
          <div className="results-head">
            <p data-testid="token-count">
              {tokens.data.total} {tokens.data.total === 1 ? 'token' : 'tokens'}
              {tokens.data.total > TOKENS_SHOWN ? `, the newest ${TOKENS_SHOWN} shown` : ''}
            </p>
          </div>
          <div className="table-wrap">
            <table className="tokens-table" aria-busy={tokens.isFetching}>
              <caption className="sr-only">API tokens</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Prefix</th>
                  <th scope="col">Created</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span className="sr-only">Revoke</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {tokens.data.tokens.map((token) => (
                  <TokenRow
                    key={token.id}
                    token={token}
                    mine={token.id === whoami.token.id}
                    onRevoked={refresh}
                  />
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}

function CreateToken({ onCreated }: { onCreated: (token: CreatedToken) => void }) {
  const { client, whoami } = useSession();
  const [kind, setKind] = useState<Kind>('runtime');
  const [name, setName] = useState('');
  const [lifetime, setLifetime] = useState(0);
  const create = useMutation({
    mutationFn: () =>
      client.tokens.create.mutate({
        org_id: whoami.org.id,
        kind,
        name: name.trim() || undefined,
        expires_in_seconds: LIFETIMES[lifetime]?.seconds ?? undefined,
      }),
    onSuccess: (token) => {
      setName('');
      onCreated(token);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form className="panel token-form" onSubmit={submit} aria-label="Create a token">
      <label>
        Name
        <input
          value={name}
          maxLength={100}
          placeholder="e.g. CI on main"
          onChange={(event) => setName(event.target.value)}
        />
      </label>
      <label>
        Kind
        <select value={kind} onChange={(event) => setKind(event.target.value as Kind)}>
          {KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Expires
        <select value={lifetime} onChange={(event) => setLifetime(Number(event.target.value))}>
          {LIFETIMES.map((l, i) => (
            <option key={l.label} value={i}>
              {l.label}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={create.isPending}>
        {create.isPending ? 'Creating…' : 'Create token'}
      </button>
      {create.isError && (
        <p className="error inline" role="alert">
          {describeError('create the token', create.error)}
        </p>
      )}
    </form>
  );
}

/** The one time a secret is shown: copy it, then it is gone from the page. */
function NewSecret({ token, onDone }: { token: CreatedToken; onDone: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'failed'>();
  const copy = () =>
    navigator.clipboard.writeText(token.token).then(
      () => setCopied('yes'),
      () => setCopied('failed'),
    );
  return (
    <section className="panel secret" aria-label="New token">
      <p>
        <strong>{token.name ?? `New ${token.kind} token`}</strong> created. Copy its secret now: it is shown
        only this once.
      </p>
      <div className="secret-row">
        <code data-testid="new-secret">{token.token}</code>
        <button type="button" onClick={copy}>
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </button>
      </div>
      {copied === 'failed' && (
        <p className="error inline" role="alert">
          Could not copy: select the secret and copy it by hand.
        </p>
      )}
      <button type="button" className="secondary" onClick={onDone}>
        Done
      </button>
    </section>
  );
}

function status(token: ApiToken): 'Active' | 'Revoked' | 'Expired' {
  if (token.revoked_at) return 'Revoked';
  if (token.expires_at && Date.parse(token.expires_at) <= Date.now()) return 'Expired';
  return 'Active';
}

function TokenRow({ token, mine, onRevoked }: { token: ApiToken; mine: boolean; onRevoked: () => void }) {
  const { client, whoami } = useSession();
  const [confirming, setConfirming] = useState(false);
  const revoke = useMutation({
    mutationFn: () => client.tokens.revoke.mutate({ org_id: whoami.org.id, token_id: token.id }),
    onSuccess: onRevoked,
  });
  const live = status(token) === 'Active';
  return (
    <tr>
      <th scope="row">
        <span className="name">{token.name ?? <span className="muted">(no name)</span>}</span>
        {mine && <span className="description">the token of this session</span>}
      </th>
      <td>{token.kind}</td>
      <td>
        <code>{token.prefix}…</code>
      </td>
      <td className="nowrap">{formatDate(token.created_at)}</td>
      <td className="nowrap">{token.expires_at ? formatDate(token.expires_at) : 'Never'}</td>
      <td className="nowrap">{token.last_used_at ? formatDateTime(token.last_used_at) : 'Never'}</td>
      <td>
        {status(token)}
        {token.revoked_at && <span className="description">{formatDateTime(token.revoked_at)}</span>}
      </td>
      <td className="action">
        {live &&
          (confirming ? (
            <>
              <button
                type="button"
                className="danger"
                disabled={revoke.isPending}
                onClick={() => revoke.mutate()}
              >
                {mine ? 'Revoke and sign out' : 'Confirm revoke'}
              </button>
              <button type="button" className="secondary" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </>
          ) : (
            <button type="button" className="secondary" onClick={() => setConfirming(true)}>
              Revoke
            </button>
          ))}
        {revoke.isError && (
          <p className="error inline" role="alert">
            {describeError('revoke the token', revoke.error)}
          </p>
        )}
      </td>
    </tr>
  );
}
