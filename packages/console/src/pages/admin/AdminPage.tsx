import { type ReactNode, useEffect } from 'react';
import { Link, navigate } from '../../app/router';
import { type Session, useSession } from '../../app/session';
import { AuditSection } from './AuditSection';
import { RolesSection } from './RolesSection';
import { ScopesSection } from './ScopesSection';
import { ServerSection } from './ServerSection';
import { TokensSection } from './TokensSection';
import { UsersSection } from './UsersSection';
import './admin.css';

/** Whether the signed-in user holds a permission on everything (the master scope). */
export function onEverything(session: Session, permission: string): boolean {
  return session.me.permissionsOnEverything.includes(permission);
}

/** One section of Administration: its address part, its tab, who may open it, what it shows. */
interface Section {
  id: string;
  title: string;
  allowed(session: Session): boolean;
  render(session: Session): ReactNode;
}

// People belong to no organization, so managing them needs users.manage on everything (the
// server refuses it otherwise); the audit log is scoped, its verification is the whole chain's;
// Change ID is the whole server's.
const SECTIONS: readonly Section[] = [
  {
    id: 'users',
    title: 'Users',
    allowed: (s) => onEverything(s, 'users.manage'),
    render: () => <UsersSection />,
  },
  {
    id: 'roles',
    title: 'Roles',
    allowed: (s) => onEverything(s, 'users.manage'),
    render: () => <RolesSection />,
  },
  {
    id: 'scopes',
    title: 'Scopes',
    allowed: (s) => onEverything(s, 'users.manage'),
    render: () => <ScopesSection />,
  },
  {
    id: 'tokens',
    title: 'API tokens',
    allowed: (s) => onEverything(s, 'users.manage'),
    render: () => <TokensSection />,
  },
  {
    id: 'audit',
    title: 'Audit log',
    allowed: (s) => s.can('audit.view'),
    render: (s) => <AuditSection mayVerify={onEverything(s, 'audit.view')} />,
  },
  {
    id: 'server',
    title: 'Server',
    allowed: (s) => s.can('server.manage'),
    render: (s) => <ServerSection mayChangeId={onEverything(s, 'server.manage')} />,
  },
];

/**
 * Administration (`/admin/:section`): users, roles, scopes, API tokens, the audit log and the
 * server, each only for those whose roles allow it. `/admin` opens the first allowed section;
 * a section the user may not open reads as not found, like any other page.
 */
export function AdminPage({ params }: { params: Record<string, string> }) {
  const session = useSession();
  const allowed = SECTIONS.filter((s) => s.allowed(session));
  const current = allowed.find((s) => s.id === params.section);
  const start = params.section === undefined ? allowed[0] : undefined;
  // Moving on after rendering: the router must not change state while this page renders.
  useEffect(() => {
    if (start) navigate(`/admin/${start.id}`, { replace: true });
  }, [start]);
  if (start) return null;
  return (
    <section className="admin" aria-labelledby="admin-title">
      <h1 id="admin-title">Administration</h1>
      {allowed.length > 0 ? (
        <nav aria-label="Administration sections" className="admin-nav">
          <ul>
            {allowed.map((s) => (
              <li key={s.id}>
                <Link href={`/admin/${s.id}`} aria-current={s === current ? 'page' : undefined}>
                  {s.title}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      {current ? (
        current.render(session)
      ) : allowed.length === 0 ? (
        <p>
          Your roles hold users.manage on part of the data only. Managing people needs it on everything (the
          master scope).
        </p>
      ) : (
        <>
          <h2>Not found</h2>
          <p>There is no such section, or your roles do not include it.</p>
        </>
      )}
    </section>
  );
}
