import { type ReactNode, useEffect, useState } from 'react';
import { ErrorNote } from '../components/ErrorNote';
import { mayOpen, PAGES } from './pages';
import { Link, useLocation } from './router';
import { useSession } from './session';

/** The frame of every signed-in page: a skip link, the menu of allowed pages, the user's menu. */
export function Layout({ children }: { children: ReactNode }) {
  const session = useSession();
  const { path } = useLocation();
  const [error, setError] = useState<unknown>(null);
  const menu = PAGES.filter((p) => p.title !== null && mayOpen(p, session.can));
  const current = menu.find((p) => path === p.path || path.startsWith(`${p.path}/`));
  useEffect(() => {
    document.title = current?.title ? `${current.title} · Muster` : 'Muster';
  }, [current]);
  const signOut = (everywhere: boolean) => session.signOut({ everywhere }).catch(setError);
  return (
    <div className="layout">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link href="/" className="brand">
          Muster
        </Link>
        <nav aria-label="Pages">
          <ul>
            {menu.map((p) => (
              <li key={p.path}>
                <Link href={p.path} aria-current={p === current ? 'page' : undefined}>
                  {p.title}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <details className="user-menu">
          <summary>{session.me.user.name}</summary>
          <ul>
            <li>
              <Link href="/account">My account</Link>
            </li>
            <li>
              <button type="button" onClick={() => signOut(false)}>
                Sign out
              </button>
            </li>
            <li>
              <button type="button" onClick={() => signOut(true)}>
                Sign out everywhere
              </button>
            </li>
          </ul>
        </details>
      </header>
      <ErrorNote error={error} />
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
