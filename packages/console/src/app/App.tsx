import { SignInPage } from '../pages/sign-in/SignInPage';
import { Layout } from './Layout';
import { mayOpen, PAGES } from './pages';
import { matchPath, navigate, Router, useLocation } from './router';
import { SessionGate, useSession } from './session';

/** The console: the sign-in page until signed in, then the page the address names. */
export function App() {
  return (
    <Router>
      <SessionGate signIn={(done) => <SignInPage onSignedIn={done} />}>
        <Layout>
          <CurrentPage />
        </Layout>
      </SessionGate>
    </Router>
  );
}

/**
 * The page of the current address, if the user may see it. A page the user's roles do not
 * allow reads as not found, like an address that names nothing: it tells nothing about what
 * exists.
 */
function CurrentPage() {
  const { path } = useLocation();
  const session = useSession();
  const allowed = PAGES.filter((p) => mayOpen(p, session.can));
  if (path === '/' || path === '') {
    const start = allowed.find((p) => p.title !== null);
    if (start) navigate(start.path, { replace: true });
    else navigate('/account', { replace: true });
    return null;
  }
  for (const page of allowed) {
    const params = matchPath(page.path, path);
    if (params) {
      const Page = page.component;
      return <Page params={params} />;
    }
  }
  return (
    <section>
      <h1>Not found</h1>
      <p>There is no page at this address, or your roles do not include it.</p>
    </section>
  );
}
