import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, api, ok, rememberCsrfToken } from '../../api/client';
import { ErrorNote } from '../../components/ErrorNote';

/**
 * Sign in with name and password, and the authenticator code when the user has enrolled one:
 * the code field appears when the server answers that it needs one.
 */
export function SignInPage({ onSignedIn }: { onSignedIn: () => void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [totpCode, setTotpCode] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const codeField = useRef<HTMLInputElement>(null);
  // The code field appears after the first answer: the cursor goes there for the user.
  useEffect(() => {
    if (needsCode) codeField.current?.focus();
  }, [needsCode]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = needsCode ? { name, password, totpCode } : { name, password };
      const signedIn = await ok(api.POST('/api/v1/session', { body }));
      rememberCsrfToken(signedIn.csrfToken);
      onSignedIn();
    } catch (failure) {
      if (failure instanceof ApiError && failure.details.totpRequired === true && !needsCode) {
        setNeedsCode(true);
      } else setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to Muster</h1>
        <label>
          Name
          <input
            name="name"
            autoComplete="username"
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {needsCode ? (
          <label>
            Authenticator code
            <input
              name="totpCode"
              ref={codeField}
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]{6}"
              required
              value={totpCode}
              onChange={(e) => setTotpCode(e.target.value.trim())}
            />
          </label>
        ) : null}
        <ErrorNote error={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
