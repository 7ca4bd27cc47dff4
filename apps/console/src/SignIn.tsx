import { useMutation } from '@tanstack/react-query';
import { errorCode, errorMessage } from '@znyx/client';
import { type FormEvent, useState } from 'react';
import { clientFor, type Whoami } from './api';

interface Props {
  /** Why the user is here again, e.g. a token that stopped working. */
  notice?: string;
  onSignedIn: (token: string, whoami: Whoami) => void;
}

/** Paste a token; it is checked with `auth.whoami` before the Console keeps it. */
export function SignIn({ notice, onSignedIn }: Props) {
  const [token, setToken] = useState('');
  const check = useMutation({
    mutationFn: (candidate: string) => clientFor(candidate).auth.whoami.query({}),
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const candidate = token.trim().replace(/^Bearer\s+/i, '');
    if (!candidate) return;
    check.mutate(candidate, { onSuccess: (whoami) => onSignedIn(candidate, whoami) });
  };

  const problem = check.isError
    ? errorCode(check.error) === 'UNAUTHORIZED'
      ? `That token was not accepted: ${errorMessage(check.error)}.`
      : `Could not sign in: ${errorMessage(check.error)}.`
    : undefined;

  return (
    <main className="centered">
      {/* method="post": were the script ever to miss the submit, the token still stays out of the URL. */}
      <form className="card signin" method="post" onSubmit={submit} aria-labelledby="signin-title" noValidate>
        <h1 id="signin-title">
          ZNYX <span className="accent">Console</span>
        </h1>
        <p className="muted">
          Sign in with an API token of your organization to browse its evaluation datasets.
        </p>
        {notice && (
          <p className="notice" role="alert">
            {notice}
          </p>
        )}
        <label htmlFor="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder="znyx_admin_…"
          value={token}
          onChange={(event) => setToken(event.target.value)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? 'token-problem token-help' : 'token-help'}
        />
        <p id="token-help" className="hint">
          Runtime tokens can read; CI and admin tokens can also install. The token is kept in this tab only
          (sessionStorage) and is forgotten when you sign out or close the tab.
        </p>
        {problem && (
          <p id="token-problem" className="error" role="alert">
            {problem}
          </p>
        )}
        <button type="submit" disabled={check.isPending || token.trim() === ''}>
          {check.isPending ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
