/** Sign in: user name and password; the server sets the session cookie and answers the CSRF token. */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../api/client.js';
import { useSession } from '../session.js';
import { useTheme } from '../theme.js';

export function SignInPage({ reason }: { reason?: string }) {
  const { signIn } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [theme, toggleTheme] = useTheme();
  const first = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = 'Sign in · Vigil';
    first.current?.focus();
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(username, password);
    } catch (failure) {
      if (failure instanceof ApiError && (failure.code === 'AUTH_FAILED' || failure.status === 401)) setError('The user name or the password is not right.');
      else if (failure instanceof ApiError && failure.status === 429) setError(failure.message);
      else setError(failure instanceof Error ? failure.message : String(failure));
      setBusy(false);
    }
  };

  return (
    <main id="main" className="signin">
      <form className="signin-card" onSubmit={(event) => void submit(event)} aria-labelledby="signin-title">
        <h1 id="signin-title">
          <span aria-hidden="true" className="brand-mark">
            ◢
          </span>{' '}
          Vigil watch floor
        </h1>
        {reason !== undefined && (
          <p className="note" role="status">
            {reason}
          </p>
        )}
        <div className="field">
          <label htmlFor="signin-username">User name</label>
          <input id="signin-username" ref={first} name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="signin-password">Password</label>
          <input
            id="signin-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-describedby={error !== undefined ? 'signin-error' : undefined}
          />
        </div>
        {error !== undefined && (
          <p id="signin-error" className="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <button type="button" className="button-quiet signin-theme" onClick={toggleTheme}>
          {theme === 'dark' ? 'Light theme' : 'Dark theme'}
        </button>
      </form>
    </main>
  );
}
