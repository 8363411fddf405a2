import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { ApiError, api, ok, rememberCsrfToken } from '../api/client';
import type { operations } from '../api/schema';

/** Who is signed in, as GET /api/v1/me answers. */
export type Me = operations['getMe']['responses'][200]['content']['application/json'];

/** The signed-in user and what they may do; `can` hides what the user's roles do not allow. */
export interface Session {
  me: Me;
  /** Whether the user holds a permission in at least one of their scopes. */
  can(permission: string): boolean;
  /** Reads /me again (after a password change, say). */
  refresh(): Promise<void>;
  signOut(options?: { everywhere?: boolean }): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

/** The session of the signed-in user; only used below SessionGate, where there is one. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}

type State =
  | { kind: 'loading' }
  | { kind: 'signed-out' }
  | { kind: 'signed-in'; me: Me }
  | { kind: 'failed'; message: string };

/**
 * Shows `signIn` until the user is signed in, then `children` with the session. A 401 from any
 * later request (the session ended elsewhere: "sign out everywhere", expiry) sends the user back
 * to the sign-in page.
 */
export function SessionGate({
  signIn,
  children,
}: {
  signIn: (done: () => void) => ReactNode;
  children: ReactNode;
}) {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const load = useCallback(async () => {
    try {
      setState({ kind: 'signed-in', me: await ok(api.GET('/api/v1/me')) });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) setState({ kind: 'signed-out' });
      else setState({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  }, []);
  useEffect(() => {
    void load();
    const expired = () => setState({ kind: 'signed-out' });
    window.addEventListener('muster:signed-out', expired);
    return () => window.removeEventListener('muster:signed-out', expired);
  }, [load]);

  if (state.kind === 'loading') return <p className="loading">Loading…</p>;
  if (state.kind === 'failed') return <p role="alert">The server could not be reached: {state.message}</p>;
  if (state.kind === 'signed-out') return <>{signIn(() => void load())}</>;
  const { me } = state;
  const session: Session = {
    me,
    can: (permission) => me.permissions.includes(permission),
    refresh: load,
    async signOut(options = {}) {
      if (options.everywhere) await ok(api.DELETE('/api/v1/me/sessions'));
      else await ok(api.DELETE('/api/v1/session'));
      rememberCsrfToken(null);
      setState({ kind: 'signed-out' });
    },
  };
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
