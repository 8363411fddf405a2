import { type FormEvent, useState } from 'react';
import { ApiError, api, ok, rememberCsrfToken } from '../../api/client';
import { ErrorNote } from '../../components/ErrorNote';

/** Sends the console to its sign-in page, as when the session ends any other way. */
function backToSignIn(): void {
  rememberCsrfToken(null);
  window.dispatchEvent(new Event('muster:signed-out'));
}

/**
 * Change my password: the current one proves it is me. The server ends my other sessions (and
 * may end this one too): the panel then says so and leads back to the sign-in page.
 */
export function PasswordPanel() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [outcome, setOutcome] = useState<'kept' | 'ended' | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setOutcome(null);
    if (next !== repeat) {
      setError(new Error('The two new passwords differ; nothing was changed.'));
      return;
    }
    setBusy(true);
    try {
      await ok(api.PUT('/api/v1/me/password', { body: { currentPassword: current, newPassword: next } }));
      setCurrent('');
      setNext('');
      setRepeat('');
      // Whether this session survived the change is the server's to say.
      try {
        await ok(api.GET('/api/v1/me'));
        setOutcome('kept');
      } catch (failure) {
        if (failure instanceof ApiError && failure.status === 401) setOutcome('ended');
        else throw failure;
      }
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="password-title">
      <h2 id="password-title">Password</h2>
      {outcome === 'ended' ? (
        <div className="notice" role="status">
          <p>Your password is changed. Every session of yours has ended, this one too.</p>
          <button type="button" onClick={backToSignIn}>
            Sign in with the new password
          </button>
        </div>
      ) : (
        <form onSubmit={submit} className="account-form" aria-label="Change my password">
          {outcome === 'kept' ? (
            <p className="notice" role="status">
              Your password is changed. Your other sessions have ended.
            </p>
          ) : null}
          <label>
            Current password
            <input
              type="password"
              autoComplete="current-password"
              required
              value={current}
              onChange={(e) => setCurrent(e.target.value)}
            />
          </label>
          <label>
            New password
            <input
              type="password"
              autoComplete="new-password"
              required
              value={next}
              onChange={(e) => setNext(e.target.value)}
              aria-describedby="new-password-hint"
            />
          </label>
          <span id="new-password-hint" className="muted hint">
            At least 12 characters, not your user name.
          </span>
          <label>
            Repeat the new password
            <input
              type="password"
              autoComplete="new-password"
              required
              value={repeat}
              onChange={(e) => setRepeat(e.target.value)}
            />
          </label>
          <ErrorNote error={error} />
          <button type="submit" disabled={busy}>
            {busy ? 'Changing…' : 'Change password'}
          </button>
        </form>
      )}
    </section>
  );
}
