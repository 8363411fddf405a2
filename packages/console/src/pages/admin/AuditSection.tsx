import { type FormEvent, useState } from 'react';
import { api, ok } from '../../api/client';
import { ErrorNote } from '../../components/ErrorNote';
import { Pager, usePagedList } from '../../components/paging';
import { type AuditEntry, type AuditVerification, when } from './admin-types';
import { useAction } from './use-action';

const PAGE_SIZE = 50;

/** The filters of the form; `from` and `to` as a datetime-local input holds them (local time). */
interface Filters {
  user: string;
  action: string;
  machine: string;
  from: string;
  to: string;
}
const NO_FILTERS: Filters = { user: '', action: '', machine: '', from: '', to: '' };

/** The query of GET /audit for these filters and page cursor; empty fields are left out. */
function auditQuery(filters: Filters, before: string | null) {
  const text = (value: string) => (value.trim() === '' ? undefined : value.trim());
  const time = (value: string) => (value === '' ? undefined : new Date(value).toISOString());
  return {
    user: text(filters.user),
    action: text(filters.action),
    machine: text(filters.machine),
    from: time(filters.from),
    to: time(filters.to),
    before: before === null ? undefined : Number(before),
    limit: PAGE_SIZE,
  };
}

/** What a request named, as one line of text: "machines: pc1.acme, pc2.acme; filter: *.acme". */
export function targetsText(targets: AuditEntry['targets']): string {
  return Object.entries(targets)
    .map(([key, value]) => {
      if (Array.isArray(value)) return `${key}: ${value.join(', ')}`;
      if (value !== null && typeof value === 'object') return `${key}: ${JSON.stringify(value)}`;
      return `${key}: ${String(value)}`;
    })
    .join('; ');
}

/**
 * The audit log, newest first, filtered and paged by the server (scoped by the caller's
 * audit.view), and, for a caller who sees everything, the verification of its hash chain.
 */
export function AuditSection({ mayVerify }: { mayVerify: boolean }) {
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const list = usePagedList(
    async (before) => {
      const page = await ok(api.GET('/api/v1/audit', { params: { query: auditQuery(filters, before) } }));
      return { items: page.items, next: page.next === null ? null : String(page.next) };
    },
    [filters],
  );
  const field = (key: keyof Filters) => ({
    value: draft[key],
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value }),
  });
  const apply = (event: FormEvent) => {
    event.preventDefault();
    // The same filters again still mean "look again": new entries arrive all the time.
    if (JSON.stringify(draft) === JSON.stringify(filters)) list.reload();
    else setFilters({ ...draft });
  };

  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      {mayVerify ? <Verification /> : null}
      <form className="toolbar" onSubmit={apply} aria-label="Audit log filters">
        <label>
          User
          <input {...field('user')} maxLength={200} />
        </label>
        <label>
          Action
          <input {...field('action')} maxLength={200} placeholder="createUser" />
        </label>
        <label>
          Machine
          <input {...field('machine')} maxLength={300} />
        </label>
        <label>
          From
          <input type="datetime-local" {...field('from')} />
        </label>
        <label>
          To
          <input type="datetime-local" {...field('to')} />
        </label>
        <button type="submit">Show</button>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            setDraft(NO_FILTERS);
            setFilters(NO_FILTERS);
          }}
        >
          Clear
        </button>
      </form>
      <ErrorNote error={list.error} />
      {list.loading && !list.page ? <p className="loading">Loading the audit log…</p> : null}
      {list.page && list.page.items.length === 0 ? <p className="muted">No entries match.</p> : null}
      {list.page && list.page.items.length > 0 ? (
        <div className="table-wrap">
          <table aria-label="Audit log" aria-busy={list.loading}>
            <thead>
              <tr>
                <th>#</th>
                <th>When</th>
                <th>User</th>
                <th>Via</th>
                <th>Address</th>
                <th>Action</th>
                <th>Targets</th>
                <th>Result</th>
              </tr>
            </thead>
            <tbody>
              {list.page.items.map((e) => (
                <tr key={e.seq}>
                  <td>{e.seq}</td>
                  <td>{when(e.at)}</td>
                  <td>{e.user?.name ?? '—'}</td>
                  <td>{e.credential ? e.credential.kind : '—'}</td>
                  <td>{e.address ?? '—'}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>
                    {targetsText(e.targets) || '—'}
                    {e.details ? (
                      <details>
                        <summary>Details</summary>
                        <pre className="output">{JSON.stringify(e.details, null, 2)}</pre>
                      </details>
                    ) : null}
                  </td>
                  <td className={e.result === 'ok' ? undefined : 'refused'}>
                    {e.status ?? ''} {e.result}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager list={list} pageSize={PAGE_SIZE} label="Audit log" />
    </section>
  );
}

/** Walks the hash chain on request (on a long log it takes a while) and says what it found. */
function Verification() {
  const [result, setResult] = useState<AuditVerification | null>(null);
  const action = useAction();
  const verify = () =>
    action.run(async () => {
      setResult(null);
      setResult(await ok(api.GET('/api/v1/audit/verify')));
    });
  return (
    <div className="panel">
      <div className="toolbar">
        <button type="button" className="secondary" onClick={() => void verify()} disabled={action.busy}>
          {action.busy ? 'Verifying…' : 'Verify the chain'}
        </button>
        <span className="muted">
          Each entry holds the hash of the one before: an edit, a gap or an insert shows.
        </span>
      </div>
      <ErrorNote error={action.error} />
      {result?.ok ? (
        <p className="verified" role="status">
          OK: the chain is intact. {result.checked.toLocaleString('en-US')} entries checked; the head is entry{' '}
          {result.headSeq} with hash <code className="secret">{result.headHash}</code> (keep it elsewhere to
          notice a rewritten chain later).
        </p>
      ) : null}
      {result && !result.ok ? (
        <p className="error" role="alert">
          Broken: entry {result.broken?.seq ?? '?'} was {result.broken?.kind ?? 'changed'}.{' '}
          {result.broken?.message ?? ''}
        </p>
      ) : null}
    </div>
  );
}
