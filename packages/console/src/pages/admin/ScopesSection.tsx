import { type FormEvent, useEffect, useState } from 'react';
import { api, ok } from '../../api/client';
import { Link, navigate, useLocation } from '../../app/router';
import { ErrorNote } from '../../components/ErrorNote';
import { useLoad } from '../../components/paging';
import type { Scope, ScopeEntry } from './admin-types';
import { ConfirmDialog } from './ConfirmDialog';
import { useAction } from './use-action';

const KINDS: ReadonlyArray<{ kind: ScopeEntry['kind']; label: string; example: string }> = [
  { kind: 'organization', label: 'Organization', example: 'acme' },
  { kind: 'group', label: 'Group (with its subgroups)', example: 'web.acme' },
  { kind: 'machine', label: 'Machine', example: 'pc1.web.acme' },
];

/** One line of a scope as text: "+ group web.acme", "− machine pc1.web.acme". */
export function entryText(entry: ScopeEntry): string {
  return `${entry.include ? '+' : '−'} ${entry.kind} ${entry.id}`;
}

/**
 * Scopes: which data a user may see. Each entry names an organization, a group (with its
 * subgroups) or a machine, included or excluded; within a scope an exclusion wins.
 */
export function ScopesSection() {
  const { search } = useLocation();
  const selected = search.get('scope');
  const scopes = useLoad(() => ok(api.GET('/api/v1/scopes')), []);
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const items = scopes.data?.items ?? [];
  const current = items.find((s) => s.name === selected) ?? null;
  const done = (message: string, goTo?: string) => {
    setNotice(message);
    setCreating(false);
    scopes.reload();
    if (goTo !== undefined) navigate(goTo);
  };

  return (
    <section aria-labelledby="scopes-title">
      <h2 id="scopes-title">Scopes</h2>
      <div className="toolbar">
        <button
          type="button"
          aria-expanded={creating}
          onClick={() => {
            setCreating(!creating);
            setNotice(null);
          }}
        >
          New scope
        </button>
      </div>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <ErrorNote error={scopes.error} />
      {creating ? (
        <ScopeForm
          scope={null}
          onSaved={(s) => done(`Scope ${s.name} created.`)}
          onClose={() => setCreating(false)}
        />
      ) : null}
      {current ? (
        <ScopeForm
          key={current.id}
          scope={current}
          onSaved={(s) => done(`Scope ${s.name} saved.`, `/admin/scopes?scope=${encodeURIComponent(s.name)}`)}
          onDeleted={() => done(`Scope ${current.name} deleted.`, '/admin/scopes')}
          onClose={() => navigate('/admin/scopes')}
        />
      ) : null}
      {scopes.data ? (
        <div className="table-wrap">
          <table aria-label="Scopes">
            <thead>
              <tr>
                <th>Name</th>
                <th>Entries</th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr key={s.id} aria-selected={s === current}>
                  <td>
                    <Link href={`/admin/scopes?scope=${encodeURIComponent(s.name)}`}>{s.name}</Link>
                    {s.builtIn ? <span className="muted"> (built in)</span> : null}
                  </td>
                  <td>{s.builtIn ? 'everything' : s.entries.map(entryText).join(', ') || 'nothing'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

/** A scope's name and entries; the master scope (everything) is read-only. */
function ScopeForm({
  scope,
  onSaved,
  onDeleted,
  onClose,
}: {
  scope: Scope | null;
  onSaved(scope: Scope): void;
  onDeleted?(): void;
  onClose(): void;
}) {
  const [name, setName] = useState(scope?.name ?? '');
  const [entries, setEntries] = useState<ScopeEntry[]>(scope?.entries ?? []);
  const [deleting, setDeleting] = useState(false);
  const save = useAction();
  const remove = useAction();
  useEffect(() => {
    setName(scope?.name ?? '');
    setEntries(scope?.entries ?? []);
  }, [scope]);
  const readOnly = scope?.builtIn === true;
  const title = scope ? `Scope ${scope.name}` : 'New scope';
  const change = (index: number, patch: Partial<ScopeEntry>) =>
    setEntries((before) => before.map((e, i) => (i === index ? { ...e, ...patch } : e)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body = { name, entries: entries.map((e) => ({ ...e, id: e.id.trim() })) };
    await save.run(async () => {
      onSaved(
        scope
          ? await ok(api.PUT('/api/v1/scopes/{id}', { params: { path: { id: scope.id } }, body }))
          : await ok(api.POST('/api/v1/scopes', { body })),
      );
    });
  };
  const confirmDelete = async () => {
    if (!scope) return;
    const gone = await remove.run(async () => {
      await ok(api.DELETE('/api/v1/scopes/{id}', { params: { path: { id: scope.id } } }));
    });
    if (gone) {
      setDeleting(false);
      onDeleted?.();
    }
  };

  return (
    <form className="panel" onSubmit={submit} aria-label={title}>
      <div className="panel-head">
        <h3>{title}</h3>
        <button type="button" className="secondary" onClick={onClose}>
          Close
        </button>
      </div>
      {readOnly ? (
        <p className="muted">
          The built-in master scope is everything, now and later, and cannot be changed.
        </p>
      ) : (
        <>
          <label>
            Scope name
            <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={64} />
          </label>
          <fieldset>
            <legend>Entries (an exclusion wins over an inclusion)</legend>
            {entries.length === 0 ? <p className="muted">No entries: the scope holds nothing.</p> : null}
            <ol className="scope-entries">
              {entries.map((entry, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: entries are edited in place; the index is their identity.
                <li key={index} className="toolbar">
                  <label>
                    Include or exclude
                    <select
                      value={entry.include ? 'include' : 'exclude'}
                      onChange={(e) => change(index, { include: e.target.value === 'include' })}
                    >
                      <option value="include">include</option>
                      <option value="exclude">exclude</option>
                    </select>
                  </label>
                  <label>
                    Kind
                    <select
                      value={entry.kind}
                      onChange={(e) => change(index, { kind: e.target.value as ScopeEntry['kind'] })}
                    >
                      {KINDS.map((k) => (
                        <option key={k.kind} value={k.kind}>
                          {k.label}
                        </option>
                      ))}
                    </select>
                  </label>
                  <label>
                    ID
                    <input
                      value={entry.id}
                      required
                      maxLength={300}
                      placeholder={KINDS.find((k) => k.kind === entry.kind)?.example}
                      onChange={(e) => change(index, { id: e.target.value })}
                    />
                  </label>
                  <button
                    type="button"
                    className="secondary"
                    aria-label={`Remove entry ${index + 1}`}
                    onClick={() => setEntries((before) => before.filter((_, i) => i !== index))}
                  >
                    Remove
                  </button>
                </li>
              ))}
            </ol>
            <button
              type="button"
              className="secondary"
              onClick={() => setEntries((before) => [...before, { kind: 'group', id: '', include: true }])}
            >
              Add entry
            </button>
          </fieldset>
          <ErrorNote error={save.error} />
          <div className="toolbar">
            <button type="submit" disabled={save.busy}>
              {scope ? 'Save scope' : 'Create scope'}
            </button>
            {scope ? (
              <button type="button" className="danger" onClick={() => setDeleting(true)}>
                Delete scope
              </button>
            ) : null}
          </div>
        </>
      )}
      <ConfirmDialog
        open={deleting}
        title={`Delete the scope ${scope?.name ?? ''}?`}
        confirmLabel="Delete"
        busy={remove.busy}
        error={remove.error}
        onConfirm={() => void confirmDelete()}
        onCancel={() => {
          remove.clear();
          setDeleting(false);
        }}
      >
        <p>Every (role, scope) pair naming it is removed too: its users lose what it reached.</p>
      </ConfirmDialog>
    </form>
  );
}
